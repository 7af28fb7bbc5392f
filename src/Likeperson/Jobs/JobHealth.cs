using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// What /readyz reports as degraded (without failing) about the jobs, read as the worker: a job whose last run failed, a
/// run stuck in `running`, a slot that has had no run `Jobs:Schedule:MissedAfter` after its time, and mentors whose
/// certification expired who are still active (or pending reactivation) 30 minutes after the nightly slot (one the
/// organisation existed for: a new organisation's first check follows its first nightly slot). /readyz reads them across
/// all organisations; the web page /admin/jobs reads one organisation's (<see cref="ProblemsAsync"/> with its id).
/// </summary>
public sealed class JobHealth(WorkerDataSource worker, JobOptions options, TimeProvider clock)
{
    public static readonly TimeSpan ExpiredActiveGrace = TimeSpan.FromMinutes(30);

    /// <summary>The problems as /readyz states them, one sentence each, for every organisation and the global jobs.</summary>
    public async Task<IReadOnlyList<string>> DegradedAsync(CancellationToken ct = default) =>
        (await ProblemsAsync(null, ct)).Select(p => p.Describe()).ToList();

    /// <param name="organizationId">Only this organisation's problems (none of the global jobs'), or null for all.</param>
    public async Task<IReadOnlyList<JobProblem>> ProblemsAsync(Guid? organizationId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        return await BatchResults.QueryAsync(conn, new CommandDefinition("""
            SELECT job, organization_id, id, error FROM (
              SELECT DISTINCT ON (job, organization_id) job, organization_id, id, status, error FROM job_runs
              WHERE @org::uuid IS NULL OR organization_id = @org
              ORDER BY job, organization_id, started_at DESC, id DESC) last
            WHERE status = 'failed' ORDER BY job, organization_id;
            SELECT job, organization_id, id, started_at FROM job_runs
            WHERE status = 'running' AND started_at < @now - @stuck AND (@org::uuid IS NULL OR organization_id = @org) ORDER BY started_at;
            SELECT job, organization_id, slot FROM job_due_slots(@now, @at)
            WHERE NOT covered AND slot < @now - @missed AND (@org::uuid IS NULL OR organization_id = @org) ORDER BY slot, job;
            SELECT o.id, count(*) FROM organizations o
            CROSS JOIN LATERAL (SELECT job_latest_slot(@now, o.timezone, @at) AS slot) s
            JOIN peer_mentors m ON m.organization_id = o.id
            WHERE (@org::uuid IS NULL OR o.id = @org)
              AND s.slot <= @now - @grace AND s.slot > o.created_at AND m.status IN ('active', 'pending_reactivation')
              AND m.certification_expires_at < (s.slot AT TIME ZONE o.timezone)::date
            GROUP BY o.id ORDER BY o.id;
            """, new
        {
            org = organizationId, now, at = TimeOnly.FromTimeSpan(options.NightlyAt), stuck = options.Schedule.StuckAfter,
            missed = options.Schedule.MissedAfter, grace = ExpiredActiveGrace,
        }, cancellationToken: ct), async multi =>
        {
            var problems = new List<JobProblem>();
            foreach (var f in await multi.ReadAsync<(string Job, Guid? Org, Guid Id, string? Error)>())
                problems.Add(new JobProblem(JobProblemKind.LastRunFailed, f.Job, f.Org, f.Id, null, f.Error, 0));
            foreach (var s in await multi.ReadAsync<(string Job, Guid? Org, Guid Id, DateTime StartedAt)>())
                problems.Add(new JobProblem(JobProblemKind.Stuck, s.Job, s.Org, s.Id, s.StartedAt, null, 0));
            foreach (var m in await multi.ReadAsync<(string Job, Guid? Org, DateTime Slot)>())
                problems.Add(new JobProblem(JobProblemKind.SlotMissed, m.Job, m.Org, null, m.Slot, null, 0));
            foreach (var e in await multi.ReadAsync<(Guid Org, long Count)>())
                problems.Add(new JobProblem(JobProblemKind.ExpiredStillActive, JobNames.CertificationExpiry, e.Org, null, null, null, e.Count));
            return problems;
        });
    }
}

public enum JobProblemKind
{
    /// <summary>The job's last run for the organisation failed (<see cref="JobProblem.RunId"/>, <see cref="JobProblem.Error"/>).</summary>
    LastRunFailed,
    /// <summary>A run has been `running` since <see cref="JobProblem.At"/>, longer than Jobs:Schedule:StuckAfter.</summary>
    Stuck,
    /// <summary>The scheduled slot at <see cref="JobProblem.At"/> has had no run Jobs:Schedule:MissedAfter after its time.</summary>
    SlotMissed,
    /// <summary><see cref="JobProblem.Count"/> mentors with an expired certification are still active after the nightly run.</summary>
    ExpiredStillActive,
}

/// <summary>One readiness problem of the jobs (organisation null: a global job's).</summary>
public sealed record JobProblem(JobProblemKind Kind, string Job, Guid? OrganizationId, Guid? RunId, DateTime? At, string? Error, long Count)
{
    /// <summary>The sentence /readyz gives operators.</summary>
    public string Describe() => Kind switch
    {
        JobProblemKind.LastRunFailed => $"job {Job}{For(OrganizationId)}: the last run ({RunId}) failed: {Error}",
        JobProblemKind.Stuck => $"job {Job}{For(OrganizationId)}: run {RunId} has been running since {At:yyyy-MM-dd'T'HH:mm:ss'Z'}",
        JobProblemKind.SlotMissed => $"job {Job}{For(OrganizationId)}: the slot of {At:yyyy-MM-dd'T'HH:mm:ss'Z'} has no run",
        _ => $"organisation {OrganizationId}: {Count} mentor(s) with an expired certification are still active after the nightly run",
    };

    private static string For(Guid? org) => org is { } id ? $" for organisation {id}" : "";
}
