using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// The scheduler inside every instance. Each tick asks the database for every job's latest slot
/// (SQL job_due_slots: nightly at `Jobs:NightlyAt` in each organisation's time zone, the digest at
/// its digest_hour, retention at `Jobs:NightlyAt` UTC) that has no run yet, and claims and runs
/// them one by one; the claim is the job_runs insert, so however many instances tick at once, each
/// slot runs exactly once. The first tick comes at start-up, so a slot missed while no instance
/// was up runs then (once: only the latest slot of each job counts), as `catch_up`.
/// </summary>
public sealed class JobScheduler(WorkerDataSource worker, JobRunner runner, JobOptions options, TimeProvider clock,
    ILogger<JobScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.Schedule.Enabled) return;
        while (!ct.IsCancellationRequested)
        {
            try { await TickAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogError(e, "The job scheduler could not look for due slots; it tries again after the poll interval"); }
            try { await Task.Delay(options.Schedule.PollInterval, clock, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One look for due slots; runs what this instance claims and returns those runs.</summary>
    public async Task<IReadOnlyList<JobRunResponse>> TickAsync(CancellationToken ct = default)
    {
        List<DueSlot> due;
        var now = clock.GetUtcNow();
        await using (var conn = await worker.Source.OpenConnectionAsync(ct))
            due = (await conn.QueryAsync<DueSlot>(new CommandDefinition("""
                SELECT job, organization_id, slot FROM job_due_slots(@now, @at) WHERE NOT covered ORDER BY slot, job, organization_id
                """, new { now, at = TimeOnly.FromTimeSpan(options.NightlyAt) }, cancellationToken: ct))).ToList();
        var runs = new List<JobRunResponse>();
        foreach (var d in due)
        {
            if (runner.Find(d.Job) is not { } job) continue;
            var slot = new DateTimeOffset(d.Slot, TimeSpan.Zero);
            var late = clock.GetUtcNow() - slot > 2 * options.Schedule.PollInterval;
            try
            {
                if (await runner.RunSlotAsync(job, d.OrganizationId, slot, late ? JobTrigger.CatchUp : JobTrigger.Scheduled, ct) is { } run)
                    runs.Add(run);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Claiming or recording failed (the database went away, the organisation was deleted): the next tick tries again.
                log.LogError(e, "The job scheduler could not run {Job} for organisation {OrganizationId}, slot {Slot}", d.Job, d.OrganizationId, slot);
            }
        }
        return runs;
    }

    private sealed class DueSlot
    {
        public string Job { get; init; } = "";
        public Guid? OrganizationId { get; init; }
        public DateTime Slot { get; init; }
    }
}
