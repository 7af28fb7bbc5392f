using Dapper;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Realtime;

/// <summary>The fan-out: several instances, slow clients, freeing subscribers, database work independent of subscribers.</summary>
public sealed class StreamFanOutTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Fact]
    public async Task TwoInstances_ChangeWrittenThroughOne_ReachesSubscriberOfTheOther()
    {
        var org = await server.World.StandardOrgAsync();
        await using var second = await StreamInstance.StartAsync(server);
        await using var onSecond = await SseClient.OpenAsync(second.Client(server.As(org.CoordinatorA)));
        await using var onFirst = await SseClient.OpenAsync(server.As(org.CoordinatorA));

        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA); // through the first instance
        Assert.Equal(a.Id, (await onSecond.NextAsync())!.Json.GetProperty("id").GetGuid());
        var b = await second.Client(server.As(org.CoordinatorA)).CreateAsync(org.MentorA2, org.ContactA); // through the second
        Assert.Equal([a.Id, b.Id], (await onFirst.TakeAsync(2)).Select(e => e.Json.GetProperty("id").GetGuid()));
        Assert.Equal(b.Id, (await onSecond.NextAsync())!.Json.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Listener_OneInstance_OneListeningConnectionServesStreamAndNotifications()
    {
        var org = await server.World.StandardOrgAsync();
        await using var conn = new Npgsql.NpgsqlConnection(server.Database.Owner);
        var since = await conn.ExecuteScalarAsync<DateTime>("SELECT clock_timestamp()");
        await using var instance = await StreamInstance.StartAsync(server);
        await using var sse = await SseClient.OpenAsync(instance.Client(server.As(org.CoordinatorA)));

        // Both users of the listener are live on this instance: the stream (below) and the dispatcher (its tests).
        var a = await instance.Client(server.As(org.CoordinatorA)).CreateAsync(org.MentorA, org.ContactA);
        Assert.Equal(a.Id, (await sse.NextAsync())!.Json.GetProperty("id").GetGuid());
        var listening = (await conn.QueryAsync<string>("""
            SELECT query FROM pg_stat_activity
            WHERE datname = current_database() AND backend_start >= @since AND query LIKE 'LISTEN%'
            """, new { since })).ToList();
        // One session listening (its last statement of the three LISTENs); two loops of their own would show two.
        Assert.Equal(["LISTEN likeperson_push"], listening);
    }

    [Fact]
    public async Task Teardown_ClosingStreams_SubscriberGaugeReturnsToZero()
    {
        var org = await server.World.StandardOrgAsync();
        await using var instance = await StreamInstance.StartAsync(server);
        var metrics = instance.Client(server.Anonymous());
        var streams = new List<SseClient>();
        foreach (var person in new[] { org.Admin, org.CoordinatorA, org.CoordinatorB, org.MentorA, org.MentorB })
            streams.Add(await SseClient.OpenAsync(instance.Client(server.As(person))));
        Assert.Equal(5, await StreamHelpers.MetricAsync(metrics, "likeperson_stream_subscribers"));

        await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        Assert.NotNull(await streams[0].NextAsync()); // they are live
        foreach (var s in streams) await s.DisposeAsync();
        await StreamHelpers.EventuallyAsync(async () => await StreamHelpers.MetricAsync(metrics, "likeperson_stream_subscribers") == 0,
            "the subscriber gauge returned to zero");
    }

    [Fact]
    public async Task Shutdown_InstanceStopping_EndsItsStreams()
    {
        var org = await server.World.StandardOrgAsync();
        var instance = await StreamInstance.StartAsync(server);
        await using var sse = await SseClient.OpenAsync(instance.Client(server.As(org.Admin)));
        await instance.DisposeAsync();
        Assert.Null(await sse.NextAsync());
    }

    [Fact]
    public async Task SlowClient_BufferFull_IsDisconnectedAndResumesWithoutLoss()
    {
        var org = await server.World.StandardOrgAsync();
        await using var instance = await StreamInstance.StartAsync(server, new Dictionary<string, string?> { ["Events:SubscriberBuffer"] = "8" });
        var slow = await SseClient.OpenAsync(instance.Client(server.As(org.Admin)), lastEventId: 0);
        // The client reads nothing while 300 large events (about 20 MB) are committed in small transactions.
        for (var t = 0; t < 60; t++)
        {
            await using var conn = await server.Worker.OpenConnectionAsync();
            await conn.ExecuteAsync("""
                SELECT emit_change(@Id, 'mentor.status_changed', ARRAY[@ChapterA], @MentorA, NULL, jsonb_build_object('pad', repeat('x', 65536), 'n', g))
                FROM generate_series(1, 5) g
                """, org);
        }
        await StreamHelpers.EventuallyAsync(() => instance.Metrics.Subscribers == 0, "the slow subscriber was dropped");
        Assert.True(await StreamHelpers.MetricAsync(instance.Client(server.Anonymous()), "likeperson_stream_slow_client_disconnects_total") >= 1);

        var received = new List<long>();
        await using (slow)
            while (await slow.NextAsync() is { } e) received.Add(e.Id!.Value);
        Assert.True(received.Count < 300, "the stream was cut before the end");
        Assert.Equal(Enumerable.Range(1, received.Count).Select(i => (long)i), received); // a clean prefix, in order

        // Resuming replays the rest. On a loaded machine the replaying client may fall behind and be cut again;
        // each resume must then continue exactly where the last one stopped (never a gap, never a repeat).
        for (var attempt = 0; received.Count < 300; attempt++)
        {
            Assert.True(attempt < 50, $"no progress after {attempt} resumes (at {received.Count})");
            await using var resumed = await SseClient.OpenAsync(instance.Client(server.As(org.Admin)), lastEventId: received.Count);
            while (received.Count < 300 && await resumed.NextAsync() is { } e) received.Add(e.Id!.Value);
        }
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), received);
    }

    [Fact]
    public async Task FanOut_ThirtySubscribers_DatabaseReadsPerEventDoNotGrowWithThem()
    {
        var org = await server.World.StandardOrgAsync();
        // No catch-up timer on this instance: every fan-out read is caused by a NOTIFY.
        await using var instance = await StreamInstance.StartAsync(server, new Dictionary<string, string?> { ["Events:CatchUpInterval"] = "01:00:00" });
        var streams = new List<SseClient>();
        for (var i = 0; i < 30; i++)
            streams.Add(await SseClient.OpenAsync(instance.Client(server.As(i % 3 == 0 ? org.Admin : i % 3 == 1 ? org.CoordinatorA : org.MentorA))));
        var warmUp = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        foreach (var s in streams) Assert.Equal(warmUp, (await s.NextAsync())!.Id);

        var before = instance.Metrics.DbQueries;
        const int events = 10;
        for (var i = 0; i < events; i++) await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        foreach (var s in streams) Assert.Equal(warmUp + events, (await s.TakeAsync(events))[^1].Id);
        var queries = instance.Metrics.DbQueries - before;
        // At most one read per NOTIFY (plus one for a wake-up left over from the warm-up) for all 30 subscribers together;
        // reading per subscriber would be 300.
        Assert.InRange(queries, 1, events + 1);
        foreach (var s in streams) await s.DisposeAsync();
    }
}
