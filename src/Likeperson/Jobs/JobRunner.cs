using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// Runs a job and records it: the job_runs row is inserted (and committed) first — for a scheduled
/// slot that insert is the claim, and the unique index job_runs_one_per_slot lets exactly one
/// instance win it — then the job runs, then the row gets its end, status, stats or error. A
/// failure is logged and recorded, never thrown: the caller reads it from the run.
/// </summary>
public sealed class JobRunner(WorkerDataSource worker, IEnumerable<IJob> jobs, JobOptions options, TimeProvider clock, ILogger<JobRunner> log,
    Operations.WorkMetrics? metrics = null)
{
    private readonly Dictionary<string, IJob> _jobs = jobs.ToDictionary(j => j.Name);

    public IJob? Find(string name) => _jobs.GetValueOrDefault(name);

    public IReadOnlyCollection<IJob> All => _jobs.Values;

    /// <summary>Claims the slot and runs it; null when another instance (or an earlier tick) already claimed it.</summary>
    public async Task<JobRunResponse?> RunSlotAsync(IJob job, Guid? organizationId, DateTimeOffset slot, JobTrigger trigger,
        CancellationToken ct = default)
    {
        var runId = await ClaimAsync(job, organizationId, slot, trigger, null, ct);
        return runId is { } id ? await RunClaimedAsync(job, organizationId, id, ct) : null;
    }

    /// <summary>
    /// A manual run (HTTP, the `jobs run` verb, benchmarks): always runs, recorded with trigger manual. The job sees
    /// <paramref name="asOf"/> as "now" when given (a benchmark's fixed date), else the clock.
    /// </summary>
    public async Task<JobRunResponse> RunNowAsync(IJob job, Guid? organizationId, Guid? startedBy, CancellationToken ct = default,
        DateTimeOffset? asOf = null)
    {
        // The unique index job_runs_one_manual_running lets one manual run of a job per organisation be running at a time.
        var runId = await ClaimAsync(job, organizationId, null, JobTrigger.Manual, startedBy, ct)
                    ?? (await FailStuckManualRunAsync(job, organizationId, ct) ? await ClaimAsync(job, organizationId, null, JobTrigger.Manual, startedBy, ct) : null)
                    ?? throw new ApiException(409, "job_running",
                        $"{job.Name} is already running for this organisation; its result will be in GET /api/v1/jobs/runs.");
        return await RunClaimedAsync(job, organizationId, runId, ct, asOf);
    }

    /// <summary>A manual run still `running` after Jobs:Schedule:StuckAfter lost its instance: it is failed, so it blocks no new run.</summary>
    private async Task<bool> FailStuckManualRunAsync(IJob job, Guid? org, CancellationToken ct)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var now = clock.GetUtcNow();
        return await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE job_runs SET status = 'failed', finished_at = @now, error = 'Interrupted: no result after Jobs:Schedule:StuckAfter; its instance probably stopped.'
            WHERE job = @job AND organization_id IS NOT DISTINCT FROM @org AND trigger = 'manual' AND status = 'running' AND started_at < @stuckBefore
            """, new { job = job.Name, org, now, stuckBefore = now - options.Schedule.StuckAfter }, cancellationToken: ct)) > 0;
    }

    private async Task<Guid?> ClaimAsync(IJob job, Guid? org, DateTimeOffset? slot, JobTrigger trigger, Guid? startedBy, CancellationToken ct)
    {
        if (job.PerOrganization != org.HasValue)
            throw new ArgumentException(job.PerOrganization ? $"{job.Name} runs per organisation." : $"{job.Name} runs for the whole database.");
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("""
            INSERT INTO job_runs (id, job, organization_id, slot, trigger, status, started_at, started_by)
            VALUES (@id, @job, @org, @slot, @trigger, 'running', @now, @startedBy)
            ON CONFLICT DO NOTHING RETURNING id
            """, new { id = Guid.CreateVersion7(), job = job.Name, org, slot, trigger = SnakeCase.Of(trigger), now = clock.GetUtcNow(), startedBy },
            cancellationToken: ct));
    }

    private async Task<JobRunResponse> RunClaimedAsync(IJob job, Guid? org, Guid runId, CancellationToken ct, DateTimeOffset? asOf = null)
    {
        JsonObject stats;
        string? error = null;
        var took = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            stats = await job.RunAsync(org, asOf ?? clock.GetUtcNow(), runId, ct);
        }
        catch (Exception e)
        {
            stats = new JsonObject();
            error = ct.IsCancellationRequested ? $"Interrupted: the instance stopped ({e.Message})" : e.Message;
            log.LogError(e, "Job {Job} failed for organisation {OrganizationId} (run {RunId}): {Error}", job.Name, org, runId, e.Message);
        }
        await using var conn = await worker.Source.OpenConnectionAsync(CancellationToken.None);
        var row = await conn.QuerySingleAsync<JobRunRow>($"""
            UPDATE job_runs SET status = @status, finished_at = @now, stats = @stats::jsonb, error = @error
            WHERE id = @runId RETURNING {JobRunRow.Columns}
            """, new { runId, status = error is null ? "succeeded" : "failed", now = clock.GetUtcNow(), stats = stats.ToJsonString(), error });
        metrics?.JobFinished(job.Name, error is null ? "succeeded" : "failed", took.Elapsed);
        return row.ToResponse();
    }
}
