using System.Net;
using System.Text.Json;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

/// <summary>Real parallel HTTP requests against the real server and database.</summary>
public sealed class AssignmentConcurrencyTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task Create_100AtOnceForOneMentor_SequencesAre1To100AndEachMilestoneFiresOnce()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [3, 15]);
        var clients = new[] { server.As(org.CoordinatorA), server.As(org.Admin) };
        var gate = new TaskCompletionSource();
        var requests = Enumerable.Range(0, 100).Select(async i =>
        {
            await gate.Task;
            return await clients[i % 2].PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = i % 2 == 0 ? org.ContactA : org.ContactB });
        }).ToList();
        gate.SetResult();
        var created = new List<AssignmentResponse>();
        foreach (var response in await Task.WhenAll(requests))
            created.Add(await response.ReadAsync<AssignmentResponse>(201));

        Assert.Equal(Enumerable.Range(1, 100), created.Select(a => a.MentorAssignmentSequence).Order());
        var milestones = created.Where(a => a.HonorariumThresholdTriggered!.Count > 0).OrderBy(a => a.MentorAssignmentSequence).ToList();
        Assert.Equal([(3, "threshold_3"), (15, "threshold_15")], milestones.Select(a => (a.MentorAssignmentSequence, a.HonorariumThresholdTriggered!.Keys.Single())));
        var outbox = await server.Worker.OutboxAsync(org.Id, "honorarium_threshold_reached");
        Assert.Equal([3, 15], outbox.Select(o => o.GetProperty("threshold").GetInt32()));   // one row per milestone, in commit order
        Assert.Equal(milestones.Select(a => a.Id), outbox.Select(o => o.GetProperty("assignment_id").GetGuid()));
        Assert.Equal(100, (await server.Worker.EventsAsync(org.Id)).Count(e => e.Type == "assignment.created"));
    }

    [Fact]
    public async Task Update_ParallelStatusChanges_NeverRegress()
    {
        var org = await _world.StandardOrgAsync();
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var targets = Enumerable.Range(0, 30).Select(i => new[] { "open", "pending", "completed", "pending", "open" }[i % 5]).ToArray();
        var gate = new TaskCompletionSource();
        var requests = targets.Select(async (status, i) =>
        {
            await gate.Task;
            return await server.As(i % 2 == 0 ? org.CoordinatorA : org.Admin).PatchJsonAsync(a.Id, $$"""{"status": "{{status}}"}""");
        }).ToList();
        gate.SetResult();
        var responses = await Task.WhenAll(requests);

        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var code = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("code").GetString();
            Assert.Contains(code, new[] { "status_regression", "assignment_closed" });
        }
        var final = await server.As(org.Admin).GetAssignmentAsync(a.Id);
        Assert.Equal(AssignmentStatus.Completed, final.Status);
        var history = (await server.Worker.EventsAsync(org.Id)).Select(e => e.Payload.GetProperty("status").GetString()).ToList();
        var ranks = history.Select(s => Array.IndexOf(["open", "pending", "completed"], s)).ToList();
        Assert.Equal(ranks.Order(), ranks);                       // forward only, in commit order
        Assert.Equal(final.Version, history.Count);               // one version per published change
        Assert.Equal(1, history.Count(s => s == "completed"));    // closed exactly once
    }

    [Fact]
    public async Task Update_ParallelWithTheSameIfMatch_ExactlyOneWins()
    {
        var org = await _world.StandardOrgAsync();
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            server.As(org.CoordinatorA).PatchJsonAsync(a.Id, $$"""{"notes": "writer {{i}}"}""", ifMatch: 1)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var r in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await r.ProblemAsync(412, "version_mismatch");
        Assert.Equal(2, (await server.As(org.Admin).GetAssignmentAsync(a.Id)).Version);
    }

    [Fact]
    public async Task List_WhileWritesRun_EachSnapshotHoldsExactlyTheChangesUpToItsStreamPosition()
    {
        var org = await _world.StandardOrgAsync();
        var writers = Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? server.As(org.CoordinatorA).PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = org.ContactA })
            : server.As(org.Admin).PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA2, contact_id = org.ContactB })).ToList();
        var readers = Enumerable.Range(0, 15).Select(async _ =>
            JsonSerializer.Deserialize<JsonElement>(await server.As(org.Admin).GetStringAsync("/api/v1/assignments?limit=200"))).ToList();
        await Task.WhenAll(writers);
        var snapshots = await Task.WhenAll(readers);

        await using var conn = await server.Worker.OpenConnectionAsync();
        var created = (await conn.QueryAsync<(long Position, Guid Id)>(
            "SELECT position, (payload->>'id')::uuid FROM change_events WHERE organization_id = @Id AND event_type = 'assignment.created'", org)).ToList();
        Assert.Equal(40, created.Count);
        foreach (var snapshot in snapshots)
        {
            var position = snapshot.GetProperty("stream_position").GetInt64();
            var ids = snapshot.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).Order();
            Assert.Equal(created.Where(c => c.Position <= position).Select(c => c.Id).Order(), ids);
        }
    }
}
