using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Jobs;

/// <summary>retention: old notifications, outbox rows and job runs go; what is still needed stays.</summary>
public sealed class RetentionJobTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task Run_DeletesWhatIsPastItsRetention_KeepsHeldItemsLatestRunsAndOpenDiscrepancies()
    {
        var org = await server.OrgAsync(_world);
        var now = server.Clock.Now;
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO notifications (organization_id, recipient_id, type, channel, status, title, body, idempotency_key, created_at)
            VALUES (@Id, @Admin, 'mentor_paused', 'in_app', 'sent', 'old', 'old', 'ret-old-' || @Id, @now - interval '400 days'),
                   (@Id, @Admin, 'mentor_paused', 'in_app', 'held', 'held', 'held', 'ret-held-' || @Id, @now - interval '400 days'),
                   (@Id, @Admin, 'mentor_paused', 'in_app', 'sent', 'new', 'new', 'ret-new-' || @Id, @now - interval '300 days');
            INSERT INTO outbox (organization_id, kind, payload, processed_at) VALUES
              (@Id, 'follow_up_reminder', '{}', @now - interval '31 days'), (@Id, 'follow_up_reminder', '{}', @now - interval '29 days');
            INSERT INTO job_runs (job, organization_id, trigger, status, started_at, finished_at) VALUES
              ('follow-up-reminders', @Id, 'manual', 'succeeded', @now - interval '100 days', @now - interval '100 days'),
              ('follow-up-reminders', @Id, 'manual', 'succeeded', @now - interval '95 days', @now - interval '95 days'),
              ('pause-digest', @Id, 'manual', 'failed', @now - interval '200 days', @now - interval '200 days');
            """, new { org.Id, org.Admin, now });
        var finder = await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO job_runs (job, organization_id, trigger, status, started_at, finished_at)
            VALUES ('reconciliation', @Id, 'manual', 'succeeded', @now - interval '120 days', @now - interval '120 days') RETURNING id
            """, new { org.Id, now });
        await conn.ExecuteAsync("""
            INSERT INTO job_runs (job, organization_id, trigger, status, started_at, finished_at)
            VALUES ('reconciliation', @Id, 'manual', 'succeeded', @now, @now);
            INSERT INTO reconciliation_discrepancies (run_id, organization_id, mentor_id, kind, detail, found_at, last_seen_at)
            VALUES (@finder, @Id, @MentorA, 'missing_live_pause', 'still open', @now - interval '120 days', @now)
            """, new { org.Id, org.MentorA, now, finder });

        // Change events: one past the stream's window (Events:RetentionDays, 7), one inside it.
        var oldEvent = await conn.ExecuteScalarAsync<long>("SELECT emit_change(@Id, 'assignment.created', '{}', NULL, NULL, '{}')", org);
        var newEvent = await conn.ExecuteScalarAsync<long>("SELECT emit_change(@Id, 'assignment.created', '{}', NULL, NULL, '{}')", org);
        await conn.ExecuteAsync("UPDATE change_events SET created_at = CASE position WHEN @oldEvent THEN @now - interval '8 days' ELSE @now - interval '6 days' END WHERE organization_id = @Id",
            new { org.Id, oldEvent, now });

        var run = await server.Runner.RunNowAsync(server.Runner.Find(JobNames.Retention)!, null, null);
        Assert.True(run.Status == JobStatus.Succeeded, run.Error);
        Assert.Null(run.OrganizationId);

        Assert.Equal(["held", "new"], (await conn.QueryAsync<string>(
            "SELECT title FROM notifications WHERE organization_id = @Id ORDER BY title", org)).ToList());
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox WHERE organization_id = @Id", org));
        // Kept: the latest run of each job (even a failed one, which /readyz reports), and a run whose discrepancy is still open.
        var runs = (await server.RunsOfAsync(org.Id)).Select(r => (r.Job, (server.Clock.Now.UtcDateTime - r.StartedAt).Days)).ToList();
        Assert.Equal([("follow-up-reminders", 95), ("pause-digest", 200), ("reconciliation", 0), ("reconciliation", 120)],
            runs.OrderBy(r => r.Job).ThenBy(r => r.Days));
        Assert.True(run.Stats.GetProperty("notifications_deleted").GetInt32() >= 1);
        Assert.Equal([newEvent], await conn.QueryAsync<long>("SELECT position FROM change_events WHERE organization_id = @Id", org));
        Assert.True(run.Stats.GetProperty("change_events_pruned").GetInt32() >= 1);
    }
}
