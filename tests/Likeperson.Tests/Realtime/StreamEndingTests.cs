using System.Diagnostics;
using Dapper;
using Npgsql;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Realtime;

/// <summary>The server ends streams itself: at the token's expiry, when access ends, beyond a person's limit, at shutdown.</summary>
public sealed class StreamEndingTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Fact]
    public async Task Stream_TokenExpires_EndsAtExpiryWithTheReason()
    {
        var org = await server.World.StandardOrgAsync();
        var token = server.Auth.Mint(org.Admin.ToString(), TimeSpan.FromSeconds(3));
        var watch = Stopwatch.StartNew();
        await using var sse = await SseClient.OpenAsync(server.Anonymous(), StreamHelpers.Url($"access_token={token}"));
        var live = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        Assert.Equal(live, (await sse.NextAsync())!.Id);

        Assert.Null(await sse.NextAsync()); // heartbeats only, then the end: no event after expiry
        Assert.Equal("end token_expired", sse.LastComment);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15)); // exp has whole seconds
        await (await server.Anonymous().GetAsync(StreamHelpers.Url($"access_token={token}"))).ProblemAsync(401, "unauthorized");
    }

    [Theory]
    [InlineData("UPDATE people SET organization_id = @other WHERE id = @person")]
    [InlineData("DELETE FROM people WHERE id = @person")]
    public async Task Stream_PersonMovedOrDeleted_EndsWithinTheAccessCheck(string change)
    {
        var org = await server.World.StandardOrgAsync();
        var other = await server.World.OrganizationAsync();
        var person = await server.World.PersonAsync(org.Id, "Leaving"); // no memberships: nothing moves the scope epoch
        await using var sse = await SseClient.OpenAsync(server.As(person));
        await using var stays = await SseClient.OpenAsync(server.As(org.Admin));
        await sse.WaitForCommentAsync();

        await using (var conn = new NpgsqlConnection(server.Database.Owner))
            Assert.Equal(1, await conn.ExecuteAsync(change, new { person, other }));
        Assert.Null(await sse.NextAsync());
        Assert.Equal("end access_ended", sse.LastComment);
        var after = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        Assert.Equal(after, (await stays.NextAsync())!.Id); // the others' streams go on
    }

    [Fact]
    public async Task Stream_EleventhOfOnePerson_EndsTheOldestOnly()
    {
        var org = await server.World.StandardOrgAsync();
        await using var instance = await StreamInstance.StartAsync(server);
        var streams = new List<SseClient>();
        for (var i = 0; i < 11; i++)
        {
            streams.Add(await SseClient.OpenAsync(instance.Client(server.As(org.CoordinatorA))));
            await streams[^1].WaitForCommentAsync(); // opened in this order
        }
        Assert.Null(await streams[0].NextAsync());
        Assert.Equal("end too_many_streams", streams[0].LastComment);
        Assert.Equal(30_000, streams[0].Retry);
        Assert.Equal(10, instance.Metrics.Subscribers);

        var e = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        foreach (var s in streams.Skip(1)) Assert.Equal(e, (await s.NextAsync())!.Id);
        await using var otherPerson = await SseClient.OpenAsync(instance.Client(server.As(org.Admin))); // the limit is per person
        Assert.Equal(11, instance.Metrics.Subscribers);
        foreach (var s in streams) await s.DisposeAsync();
    }

    [Fact]
    public async Task Replay_FromZeroWithPagesOfFive_23EventsArriveInOrderReadFivePerQuery()
    {
        var org = await server.World.StandardOrgAsync();
        await using var instance = await StreamInstance.StartAsync(server, new Dictionary<string, string?> { ["Events:ReadBatchSize"] = "5" });
        var emitted = new List<long>();
        for (var i = 0; i < 23; i++) emitted.Add(await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA));
        var head = await server.Worker.HeadAsync(org.Id);

        var replayReads = await StreamHelpers.MetricAsync(instance.Client(server.Anonymous()), "likeperson_stream_replay_reads_total");
        await using var sse = await SseClient.OpenAsync(instance.Client(server.As(org.Admin)), lastEventId: 0);
        var received = await sse.UntilAsync(head);
        Assert.Equal(Enumerable.Range(1, (int)head).Select(p => (long)p), received.Select(e => e.Id!.Value)); // no gap, no repeat
        Assert.Equal(emitted, received.Select(e => e.Id!.Value).Where(emitted.Contains));
        // ceil(head / 5) pages, the last one short: never the whole history in one read.
        Assert.Equal(replayReads + (head / 5 + 1),
            await StreamHelpers.MetricAsync(instance.Client(server.Anonymous()), "likeperson_stream_replay_reads_total"));
    }

    [Fact]
    public async Task Shutdown_OpenStreams_ToldToReconnectAndClosedPromptly()
    {
        var org = await server.World.StandardOrgAsync();
        await using var instance = await StreamInstance.StartAsync(server);
        var streams = new List<SseClient>();
        foreach (var person in new[] { org.Admin, org.CoordinatorA, org.MentorA })
        {
            streams.Add(await SseClient.OpenAsync(instance.Client(server.As(person))));
            await streams[^1].WaitForCommentAsync();
        }
        var watch = Stopwatch.StartNew();
        await instance.StopAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {watch.Elapsed}");
        foreach (var s in streams)
        {
            Assert.Null(await s.NextAsync());
            Assert.Equal("end server_shutting_down", s.LastComment);
            Assert.InRange(s.Retry!.Value, 1000, 2000);
            await s.DisposeAsync();
        }
    }
}
