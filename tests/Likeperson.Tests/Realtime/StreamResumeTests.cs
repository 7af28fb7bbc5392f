using System.Text.Json;
using Dapper;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Realtime;

/// <summary>Resuming: after a drop exactly the missed events, snapshots that line up with the stream, reset beyond retention.</summary>
public sealed class StreamResumeTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resume_AfterDropWithConcurrentWriters_ExactlyTheMissedEventsInOrder(bool useHeader)
    {
        var org = await server.World.StandardOrgAsync();
        var assignments = new[]
        {
            await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA),
            await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA),
            await server.As(org.CoordinatorB).CreateAsync(org.MentorB, org.ContactB),
        };
        long seen;
        await using (var sse = await SseClient.OpenAsync(server.As(org.Admin), lastEventId: 0))
            seen = (await sse.TakeAsync(2))[^1].Id!.Value; // then the connection drops

        // Several writers at once while nobody listens: notes on every assignment, from both coordinators' sides.
        await Task.WhenAll(assignments.Select((a, i) => Task.Run(async () =>
        {
            var client = server.As(a.Id == assignments[2].Id ? org.CoordinatorB : org.CoordinatorA);
            for (var n = 0; n < 8; n++)
                await (await client.PatchJsonAsync(a.Id, $$"""{"notes": "writer {{i}} note {{n}}"}""")).ReadAsync<JsonElement>();
        })).Append(Task.Run(async () =>
        {
            for (var n = 0; n < 8; n++) await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterB], org.MentorB);
        })));

        var expected = await PositionsAfterAsync(org.Id, seen);
        Assert.Equal(3 + 3 * 8 + 8 - 2, expected.Count);
        await using var resumed = await SseClient.OpenAsync(server.As(org.Admin),
            useHeader ? StreamHelpers.Url() : StreamHelpers.Url($"last_event_id={seen}"), useHeader ? seen : null);
        var replayed = await resumed.TakeAsync(expected.Count);
        Assert.Equal(expected, replayed.Select(e => e.Id!.Value));

        // ...and then it is live: the next change follows without a gap.
        await (await server.As(org.CoordinatorA).PatchJsonAsync(assignments[0].Id, """{"status": "completed"}""")).ReadAsync<JsonElement>();
        var live = await resumed.NextAsync();
        Assert.Equal(expected[^1] + 1, live!.Id);
        Assert.Equal("completed", live.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Resume_CoordinatorGetsOnlyTheMissedEventsOfTheirChapter()
    {
        var org = await server.World.StandardOrgAsync();
        var before = await server.Worker.HeadAsync(org.Id);
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var b = await server.As(org.CoordinatorB).CreateAsync(org.MentorB, org.ContactB);
        await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, """{"notes": "x"}""")).ReadAsync<JsonElement>();
        await (await server.As(org.CoordinatorB).PatchJsonAsync(b.Id, """{"notes": "y"}""")).ReadAsync<JsonElement>();

        await using var sse = await SseClient.OpenAsync(server.As(org.CoordinatorA), lastEventId: before);
        var events = await sse.TakeAsync(2);
        Assert.Equal(["assignment.created", "assignment.updated"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(a.Id, e.Json.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Snapshot_ThenStreamFromItsPosition_NeverMissesOrDoublesUnderConcurrentWrites()
    {
        var org = await server.World.StandardOrgAsync();
        var coordinator = server.As(org.CoordinatorA);
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++) ids.Add((await coordinator.CreateAsync(i % 2 == 0 ? org.MentorA : org.MentorA2, org.ContactA)).Id);

        using var stop = new CancellationTokenSource();
        var writers = ids.Select((id, w) => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested || n < 5)
                await (await coordinator.PatchJsonAsync(id, $$"""{"notes": "w{{w}} #{{n++}}"}""")).ReadAsync<JsonElement>();
        })).ToList();
        await Task.Delay(100); // let the writers get going, so the snapshot is taken in the middle of them

        var page = JsonSerializer.Deserialize<JsonElement>(await coordinator.GetStringAsync("/api/v1/assignments?limit=200"));
        var position = page.GetProperty("stream_position").GetInt64();
        var state = page.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetGuid(), i => i.Clone());
        await using var sse = await SseClient.OpenAsync(coordinator, StreamHelpers.Url($"last_event_id={position}"));
        await Task.Delay(200);
        stop.Cancel();
        await Task.WhenAll(writers);

        var head = await server.Worker.HeadAsync(org.Id);
        foreach (var e in await sse.UntilAsync(head))
        {
            Assert.True(e.Id > position);
            var id = e.Json.GetProperty("id").GetGuid();
            // Each event is exactly the next version of what the client holds: none missed, none doubled.
            Assert.Equal(state[id].GetProperty("version").GetInt32() + 1, e.Json.GetProperty("version").GetInt32());
            state[id] = e.Json;
        }
        foreach (var id in ids)
            Assert.True(JsonElement.DeepEquals(JsonSerializer.Deserialize<JsonElement>(await coordinator.GetStringAsync($"/api/v1/assignments/{id}")), state[id]));
    }

    [Fact]
    public async Task RapidUpdates_HundredOfOneAssignment_ClientEndsWithTheDatabaseState()
    {
        var org = await server.World.StandardOrgAsync();
        var coordinator = server.As(org.CoordinatorA);
        var a = await coordinator.CreateAsync(org.MentorA, org.ContactA);
        await using var sse = await SseClient.OpenAsync(coordinator);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < 25; n++)
                await (await coordinator.PatchJsonAsync(a.Id, $$"""{"notes": "writer {{w}} update {{n}}"}""")).ReadAsync<JsonElement>();
        })));

        var events = await sse.TakeAsync(100);
        Assert.Equal(Enumerable.Range(2, 100), events.Select(e => e.Json.GetProperty("version").GetInt32()));
        var final = await coordinator.GetAssignmentAsync(a.Id);
        Assert.Equal(101, final.Version);
        Assert.True(JsonElement.DeepEquals(JsonSerializer.Deserialize<JsonElement>(await coordinator.GetStringAsync($"/api/v1/assignments/{a.Id}")),
            events[^1].Json));
    }

    [Fact]
    public async Task Resume_PositionPrunedByRetention_OneResetAndTheStreamEnds()
    {
        var org = await server.World.StandardOrgAsync();
        for (var i = 0; i < 3; i++) await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        await using (var conn = await server.Worker.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("UPDATE change_events SET created_at = now() - interval '8 days' WHERE organization_id = @Id AND position <= 2", org);
            Assert.True(await conn.ExecuteScalarAsync<long>("SELECT change_events_prune(now() - interval '7 days')") >= 2);
        }

        await using var old = await SseClient.OpenAsync(server.As(org.Admin), lastEventId: 1);
        var reset = await old.NextAsync();
        Assert.Equal("reset", reset!.Type);
        Assert.Null(reset.Id);
        Assert.Equal("beyond_retention", reset.Json.GetProperty("reason").GetString());
        Assert.Equal(2, reset.Json.GetProperty("pruned_through").GetInt64());
        Assert.Null(await old.NextAsync()); // the stream ends: refetch, then resume from the snapshot's position

        // From the horizon on, nothing is lost: resuming there replays what is left.
        await using var fine = await SseClient.OpenAsync(server.As(org.Admin), lastEventId: 2);
        Assert.Equal(3, (await fine.NextAsync())!.Id);
    }

    [Fact]
    public async Task Resume_PositionBeyondTheStream_ResetUnknownPosition()
    {
        var org = await server.World.StandardOrgAsync();
        await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        await using var sse = await SseClient.OpenAsync(server.As(org.CoordinatorA), lastEventId: 1000);
        var reset = await sse.NextAsync();
        Assert.Equal("reset", reset!.Type);
        Assert.Equal("unknown_position", reset.Json.GetProperty("reason").GetString());
        Assert.Null(await sse.NextAsync());
    }

    private async Task<List<long>> PositionsAfterAsync(Guid org, long after)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<long>("SELECT position FROM change_events WHERE organization_id = @org AND position > @after ORDER BY position",
            new { org, after })).ToList();
    }
}
