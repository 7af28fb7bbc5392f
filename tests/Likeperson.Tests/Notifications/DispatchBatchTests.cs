using Dapper;
using Likeperson.Database;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// The dispatcher works on whole batches: several loops at once never dispatch a row twice, and a
/// row that fails inside the database does not hold back the rest of its batch.
/// </summary>
public sealed class DispatchBatchTests(ManualPushServer server) : IClassFixture<ManualPushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    /// <summary>A dispatcher of its own with a small batch, as another loop or instance would run it.</summary>
    private OutboxDispatcher Dispatcher(int batchSize) => new(server.Services.GetRequiredService<Db>(),
        server.Services.GetRequiredService<OutboxDispatch>(), server.Services.GetRequiredService<NotificationWakeups>(),
        new NotificationOptions { DispatchBatchSize = batchSize }, server.Services.GetRequiredService<ILogger<OutboxDispatcher>>());

    private static async Task DrainAsync(OutboxDispatcher dispatcher)
    {
        while (await dispatcher.DispatchBatchAsync() > 0) { }
    }

    [Fact]
    public async Task DispatchBatch_FourLoopsOnRowsOfThreeOrganisations_EachRowDispatchedAndPublishedOnce()
    {
        var orgs = new[] { await _world.StandardOrgAsync(), await _world.StandardOrgAsync(), await _world.StandardOrgAsync() };
        var rows = new List<(long Id, Org Org)>();
        for (var i = 0; i < 60; i++) // interleaved, so every batch spans organisations
        {
            var org = orgs[i % 3];
            rows.Add((await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA), org));
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DrainAsync(Dispatcher(7)))));

        await using var conn = await server.Worker.OpenConnectionAsync();
        foreach (var (id, org) in rows)
        {
            Assert.True(await _outbox.ProcessedAsync(id));
            var made = await _outbox.NotificationsOfAsync(id);
            Assert.Equal(["mentor_paused/in_app", "mentor_paused/push", "pause_confirmation/in_app", "pause_confirmation/push"],
                made.Select(r => $"{r.Type}/{r.Channel}").Order());
            Assert.Equal(org.CoordinatorA, made.Single(r => r.Type == "mentor_paused" && r.Channel == "in_app").RecipientId);
            var inApp = made.Where(r => r.Channel == "in_app").Select(r => r.Id).ToArray();
            Assert.Equal(2, await conn.ExecuteScalarAsync<int>("""
                SELECT count(*) FROM change_events WHERE event_type = 'notification.created' AND (payload->>'id')::uuid = ANY(@inApp)
                """, new { inApp }));
        }
        Assert.Equal(1, await conn.ExecuteScalarAsync<int>(
            "SELECT max(attempts) FROM outbox WHERE id = ANY(@ids)", new { ids = rows.Select(r => r.Id).ToArray() }));
    }

    [Fact]
    public async Task DispatchBatch_OneRowFailsInTheDatabase_OthersDispatchedAndItAloneRetriedLater()
    {
        var org = await _world.StandardOrgAsync();
        var before = await _outbox.StatusChangedAsync(org.Id, org.MentorB, "pause", "active", "paused", org.MentorB, displayName: "Mentor B");
        var poison = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA);
        var after = await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "pause", "active", "paused", org.MentorA2, displayName: "Mentor A2");
        var trigger = $"poison_{Guid.NewGuid():N}";
        await using var owner = new NpgsqlConnection(server.Database.Owner);
        await owner.OpenAsync();
        await owner.ExecuteAsync($"""
            CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.mentor_id = '{org.MentorA}' THEN RAISE EXCEPTION 'poisoned notification'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER {trigger} BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION {trigger}();
            """);
        var dispatched = await owner.ExecuteScalarAsync<DateTime>("SELECT now()");
        try
        {
            await DrainAsync(Dispatcher(50));
        }
        finally
        {
            await owner.ExecuteAsync($"DROP TRIGGER {trigger} ON notifications; DROP FUNCTION {trigger}();");
        }

        var failed = await owner.QuerySingleAsync<(int Attempts, string LastError, bool Processed, bool Later)>(
            "SELECT attempts, last_error, processed_at IS NOT NULL, available_at > @dispatched FROM outbox WHERE id = @poison", new { poison, dispatched });
        Assert.Equal((1, false, true), (failed.Attempts, failed.Processed, failed.Later));
        Assert.Contains("poisoned notification", failed.LastError);
        Assert.Empty(await _outbox.NotificationsOfAsync(poison));
        foreach (var id in new[] { before, after })
        {
            Assert.True(await _outbox.ProcessedAsync(id));
            Assert.Equal(4, (await _outbox.NotificationsOfAsync(id)).Count);
        }
        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Notification dispatch failed")
            && Equals(e.State["MentorId"], org.MentorA.ToString()) && Equals(e.State["Transition"], "pause"));
    }
}
