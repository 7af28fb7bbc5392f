using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// retention (internal, once a night for the whole database): change events older than
/// `Events:RetentionDays` through the stream's change_events_prune (which remembers what it pruned,
/// so a stale resume gets `reset`), notifications older than `Jobs:Retention:NotificationDays`
/// (except items still held for a digest), processed outbox rows older than
/// `Jobs:Retention:OutboxDays`, and job runs older than `Jobs:Retention:JobRunDays` (except the
/// latest of each job and runs whose discrepancies are still open).
/// </summary>
public sealed class RetentionJob(WorkerDataSource worker, JobOptions options) : IJob
{
    public string Name => JobNames.Retention;
    public bool PerOrganization => false;

    public async Task<JsonObject> RunAsync(Guid? organizationId, DateTimeOffset now, Guid runId, CancellationToken ct = default)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var r = options.Retention;
        var events = await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT change_events_prune(@before)",
            new { before = now.AddDays(-options.EventRetentionDays) }, cancellationToken: ct, commandTimeout: 0));
        var notifications = await conn.ExecuteAsync(new CommandDefinition("""
            DELETE FROM notifications WHERE created_at < @before AND status NOT IN ('held', 'pending')
            """, new { before = now.AddDays(-r.NotificationDays) }, cancellationToken: ct, commandTimeout: 0));
        var outbox = await conn.ExecuteAsync(new CommandDefinition("""
            DELETE FROM outbox WHERE processed_at IS NOT NULL AND processed_at < @before
            """, new { before = now.AddDays(-r.OutboxDays) }, cancellationToken: ct, commandTimeout: 0));
        var runs = await conn.ExecuteAsync(new CommandDefinition("""
            DELETE FROM job_runs r WHERE r.started_at < @before AND r.status <> 'running'
              AND NOT EXISTS (SELECT 1 FROM reconciliation_discrepancies d WHERE d.run_id = r.id AND d.resolved_at IS NULL)
              AND EXISTS (SELECT 1 FROM job_runs later WHERE later.job = r.job
                          AND later.organization_id IS NOT DISTINCT FROM r.organization_id AND later.started_at > r.started_at)
            """, new { before = now.AddDays(-r.JobRunDays) }, cancellationToken: ct, commandTimeout: 0));
        return new JsonObject
        {
            ["change_events_pruned"] = events, ["notifications_deleted"] = notifications, ["outbox_deleted"] = outbox, ["job_runs_deleted"] = runs,
        };
    }
}
