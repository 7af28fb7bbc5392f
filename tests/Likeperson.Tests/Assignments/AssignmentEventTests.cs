using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

/// <summary>Every create and change leaves one change event whose payload is exactly what GET returns.</summary>
public sealed class AssignmentEventTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private async Task<JsonElement> GetJsonAsync(HttpClient client, Guid id) =>
        JsonSerializer.Deserialize<JsonElement>(await client.GetStringAsync($"/api/v1/assignments/{id}"));

    [Fact]
    public async Task Changes_EachWriteOneEventWithTheAssignmentAsGetReturnsIt()
    {
        var org = await _world.StandardOrgAsync();
        var coordinator = server.As(org.CoordinatorA);
        var a = await coordinator.CreateAsync(org.MentorA, org.ContactA);
        var snapshots = new List<JsonElement> { await GetJsonAsync(coordinator, a.Id) };
        await (await coordinator.PatchJsonAsync(a.Id, """{"status": "pending", "notes": "waiting for a call back"}""")).ReadAsync<JsonElement>();
        snapshots.Add(await GetJsonAsync(coordinator, a.Id));
        await (await server.As(org.MentorA).RecordActivityAsync(a.Id, DateTimeOffset.UtcNow.AddMinutes(-10))).ReadAsync<JsonElement>(201);
        snapshots.Add(await GetJsonAsync(coordinator, a.Id));
        await (await coordinator.PatchJsonAsync(a.Id, """{"status": "completed"}""")).ReadAsync<JsonElement>();
        snapshots.Add(await GetJsonAsync(coordinator, a.Id));

        var events = await server.Worker.EventsAsync(org.Id);
        Assert.Equal(["assignment.created", "assignment.updated", "assignment.updated", "assignment.updated"], events.Select(e => e.Type));
        Assert.Equal(snapshots.Select(s => s.GetRawText()), events.Select(e => e.Payload.GetRawText()));
        Assert.All(events, e => Assert.Equal([org.ChapterA], e.ChapterIds));
        Assert.All(events, e => Assert.Equal(org.MentorA, e.MentorId));
        Assert.Equal([1, 2, 3, 4], events.Select(e => e.Payload.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Refusals_WriteNoEventAndNoOutboxRow()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [1]);
        await server.Worker.SetMentorStatusAsync(org.MentorA, "paused");
        await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = org.ContactA }))
            .ProblemAsync(422, "peer_mentor_not_active");
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA);
        await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, """{"status": "pending"}""", ifMatch: 7)).ProblemAsync(412, "version_mismatch");
        await (await server.As(org.MentorA2).PatchJsonAsync(a.Id, """{"status": "pending"}""")).ProblemAsync(403, "forbidden");

        Assert.Single(await server.Worker.EventsAsync(org.Id));
        Assert.Equal(a.Id, (await server.Worker.OutboxAsync(org.Id, "honorarium_threshold_reached")).Single().GetProperty("assignment_id").GetGuid());
    }
}
