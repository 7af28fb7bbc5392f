using Dapper;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// The dispatcher and sender played step by step (their loops are off in this server), so a test
/// can change the world between a transition and its dispatch, or "crash" between two steps and
/// then restart: another instance on the same database with the loops on.
/// </summary>
public sealed class DispatchStepTests(ManualPushServer server) : IClassFixture<ManualPushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);
    private OutboxDispatcher Dispatcher => server.Services.GetRequiredService<OutboxDispatcher>();

    private async Task<OutboxRow> ClaimAsync(NpgsqlConnection conn, long id) => await conn.QuerySingleAsync<OutboxRow>(
        "SELECT id, organization_id, kind, payload::text AS payload, attempts, created_at FROM outbox WHERE id = @id FOR UPDATE", new { id });

    private async Task<int> EventsForAsync(IEnumerable<Guid> notificationIds)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM change_events WHERE event_type = 'notification.created' AND (payload->>'id')::uuid = ANY(@ids)
            """, new { ids = notificationIds.ToArray() });
    }

    private async Task DrainAsync()
    {
        while (await Dispatcher.DispatchBatchAsync() > 0) { }
    }

    [Fact]
    public async Task Dispatch_CoordinatorChangedAfterTransition_TheCoordinatorAtDispatchTimeIsTold()
    {
        var org = await _world.StandardOrgAsync();
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA);
        var newcomer = await _world.PersonAsync(org.Id, "New Coordinator", coordinatorOf: [org.ChapterA]);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("DELETE FROM chapter_memberships WHERE person_id = @CoordinatorA", org);

        await DrainAsync();

        var told = (await _outbox.NotificationsOfAsync(id)).Where(r => r.Type == "mentor_paused").Select(r => r.RecipientId).Distinct();
        Assert.Equal([newcomer], told);
    }

    [Fact]
    public async Task Dispatch_SameRowTwice_SecondCreatesNothing()
    {
        var org = await _world.StandardOrgAsync();
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA);
        var dispatch = server.Services.GetRequiredService<OutboxDispatch>();

        var db = server.Services.GetRequiredService<Likeperson.Database.Db>();
        var first = await db.AsWorkerAsync(async c => await dispatch.DispatchAsync(c, await ClaimAsync(c, id)));
        var second = await db.AsWorkerAsync(async c => await dispatch.DispatchAsync(c, await ClaimAsync(c, id)));

        Assert.Equal(4, first.Count); // coordinator and mentor, in-app and push each
        Assert.Empty(second);
        Assert.Equal(4, (await _outbox.NotificationsOfAsync(id)).Count);
    }

    [Fact]
    public async Task Dispatch_CrashBeforeMarkOrBeforeCommit_RestartLosesNothingAndDuplicatesNothing()
    {
        var org = await _world.StandardOrgAsync();
        var device = $"crash-{Guid.NewGuid()}";
        await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/me/devices", new { token = device, platform = "android" })).ReadAsync<object>(201);
        var insertedNotMarked = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA);
        var rolledBack = await _outbox.StatusChangedAsync(org.Id, org.MentorB, "pause", "active", "paused", org.MentorB, displayName: "Mentor B");
        var dispatch = server.Services.GetRequiredService<OutboxDispatch>();
        await using (var conn = await server.Worker.OpenConnectionAsync())
        {
            await using (var tx = await conn.BeginTransactionAsync())
            {
                var made = await dispatch.DispatchAsync(conn, await ClaimAsync(conn, insertedNotMarked));
                await NotificationWriter.PublishAsync(conn, made);
                await tx.CommitAsync(); // the process dies here: rows written, outbox row not marked
            }
            await using (var tx = await conn.BeginTransactionAsync())
            {
                await dispatch.DispatchAsync(conn, await ClaimAsync(conn, rolledBack));
                await tx.RollbackAsync(); // the process dies before commit
            }
        }
        var before = await _outbox.NotificationsOfAsync(insertedNotMarked);

        await using var restarted = await server.RestartAsync();
        var after = await _outbox.SettledAsync(insertedNotMarked);
        var other = await _outbox.SettledAsync(rolledBack);

        Assert.Equal(before.Select(r => r.Id).Order(), after.Select(r => r.Id).Order());
        Assert.Equal(4, after.Count);
        Assert.Equal(4, other.Count);
        Assert.Equal(after.Count + other.Count, after.Concat(other).Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.Single(server.Fcm.SendsTo(device)); // pushed once, by the restarted instance
        var inApp = after.Concat(other).Where(r => r.Channel == "in_app").Select(r => r.Id).ToList();
        Assert.Equal(4, inApp.Count);
        Assert.Equal(4, await EventsForAsync(inApp)); // each published exactly once
    }

    [Fact]
    public async Task Push_SenderDiesAfterSendBeforeRecording_RowSentAgainNeverDuplicated()
    {
        var org = await _world.StandardOrgAsync();
        var device = $"lease-{Guid.NewGuid()}";
        await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/me/devices", new { token = device, platform = "android" })).ReadAsync<object>(201);
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.CoordinatorA);
        await DrainAsync();
        var claimed = await server.Services.GetRequiredService<PushSender>().ClaimAsync(50);
        var row = Assert.Single(claimed, r => r.Tokens.Contains(device));
        await server.Services.GetRequiredService<FcmClient>().SendAsync(device, new PushMessage(row.Title, row.Body, new Dictionary<string, string>()), default);
        await using (var conn = await server.Worker.OpenConnectionAsync()) // ... and dies; time passes beyond the lease
            await conn.ExecuteAsync("UPDATE notifications SET next_attempt_at = now() WHERE id = ANY(@ids)", new { ids = claimed.Select(c => c.Id).ToArray() });

        await using var restarted = await server.RestartAsync();
        var rows = await _outbox.SettledAsync(id);

        var push = Assert.Single(rows, r => r.Channel == "push" && r.RecipientId == org.CoordinatorA);
        Assert.Equal(("sent", 2), (push.Status, push.Attempts));
        Assert.Equal(2, server.Fcm.SendsTo(device).Count); // at least once: the device may see it twice, the log has one row
    }

    [Fact]
    public async Task Dispatch_RowThatCannotBeDispatched_LoggedRetriedLaterOthersUnaffected()
    {
        var org = await _world.StandardOrgAsync();
        var broken = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "teleport", "active", "paused", org.MentorA);
        var fine = await _outbox.StatusChangedAsync(org.Id, org.MentorB, "pause", "active", "paused", org.MentorB, displayName: "Mentor B");

        await Dispatcher.DispatchBatchAsync();

        await using var conn = await server.Worker.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<(int Attempts, string LastError, bool Processed, bool Later)>(
            "SELECT attempts, last_error, processed_at IS NOT NULL, available_at > now() FROM outbox WHERE id = @broken", new { broken });
        Assert.Equal((1, false, true), (row.Attempts, row.Processed, row.Later));
        Assert.Contains("teleport", row.LastError);
        Assert.Empty(await _outbox.NotificationsOfAsync(broken));
        Assert.True(await _outbox.ProcessedAsync(fine));
        Assert.NotEmpty(await _outbox.NotificationsOfAsync(fine));
        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Notification dispatch failed")
            && Equals(e.State["MentorId"], org.MentorA.ToString()) && Equals(e.State["Transition"], "teleport"));
    }
}
