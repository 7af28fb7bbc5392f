using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// What /readyz reports as degraded (without failing) about the jobs, read across all
/// organisations as the worker: a job whose last run failed, a run stuck in `running`, a slot
/// that has had no run `Jobs:Schedule:MissedAfter` after its time, and mentors whose certification
/// expired who are still active (or pending reactivation) 30 minutes after the nightly slot (one the
/// organisation existed for: a new organisation's first check follows its first nightly slot).
/// </summary>
public sealed class JobHealth(WorkerDataSource worker, JobOptions options, TimeProvider clock)
{
    public static readonly TimeSpan ExpiredActiveGrace = TimeSpan.FromMinutes(30);

    public async Task<IReadOnlyList<string>> DegradedAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        return await BatchResults.QueryAsync(conn, new CommandDefinition("""
            SELECT job, organization_id, id, error FROM (
              SELECT DISTINCT ON (job, organization_id) job, organization_id, id, status, error FROM job_runs
              ORDER BY job, organization_id, started_at DESC, id DESC) last
            WHERE status = 'failed' ORDER BY job, organization_id;
            SELECT job, organization_id, id, started_at FROM job_runs
            WHERE status = 'running' AND started_at < @now - @stuck ORDER BY started_at;
            SELECT job, organization_id, slot FROM job_due_slots(@now, @at)
            WHERE NOT covered AND slot < @now - @missed ORDER BY slot, job;
            SELECT o.id, count(*) FROM organizations o
            CROSS JOIN LATERAL (SELECT job_latest_slot(@now, o.timezone, @at) AS slot) s
            JOIN peer_mentors m ON m.organization_id = o.id
            WHERE s.slot <= @now - @grace AND s.slot > o.created_at AND m.status IN ('active', 'pending_reactivation')
              AND m.certification_expires_at < (s.slot AT TIME ZONE o.timezone)::date
            GROUP BY o.id ORDER BY o.id;
            """, new
        {
            now, at = TimeOnly.FromTimeSpan(options.NightlyAt), stuck = options.Schedule.StuckAfter, missed = options.Schedule.MissedAfter,
            grace = ExpiredActiveGrace,
        }, cancellationToken: ct), async multi =>
        {
            var problems = new List<string>();
            foreach (var f in await multi.ReadAsync<(string Job, Guid? Org, Guid Id, string? Error)>())
                problems.Add($"job {f.Job}{For(f.Org)}: the last run ({f.Id}) failed: {f.Error}");
            foreach (var s in await multi.ReadAsync<(string Job, Guid? Org, Guid Id, DateTime StartedAt)>())
                problems.Add($"job {s.Job}{For(s.Org)}: run {s.Id} has been running since {s.StartedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}");
            foreach (var m in await multi.ReadAsync<(string Job, Guid? Org, DateTime Slot)>())
                problems.Add($"job {m.Job}{For(m.Org)}: the slot of {m.Slot:yyyy-MM-dd'T'HH:mm:ss'Z'} has no run");
            foreach (var e in await multi.ReadAsync<(Guid Org, long Count)>())
                problems.Add($"organisation {e.Org}: {e.Count} mentor(s) with an expired certification are still active after the nightly run");
            return problems;
        });
    }

    private static string For(Guid? org) => org is { } id ? $" for organisation {id}" : "";
}
