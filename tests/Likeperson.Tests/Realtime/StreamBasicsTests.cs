using System.Text.Json;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Realtime;

/// <summary>The stream over real HTTP: framing, what arrives for whom, filters.</summary>
public sealed class StreamBasicsTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Fact]
    public async Task Stream_Opens_RetryFirstThenHeartbeatComments()
    {
        var org = await server.World.StandardOrgAsync();
        await using var sse = await SseClient.OpenAsync(server.As(org.CoordinatorA));
        await sse.WaitForCommentAsync();
        await sse.WaitForCommentAsync();
        Assert.Equal(1000, sse.Retry);
        Assert.True(sse.RetryCameFirst);
        Assert.Equal("no-cache", sse.Response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Stream_AssignmentCreatedAndUpdated_ReachTheChapterCoordinatorAsGetReturnsThem()
    {
        var org = await server.World.StandardOrgAsync();
        var coordinator = server.As(org.CoordinatorA);
        await using var sse = await SseClient.OpenAsync(coordinator);

        var a = await coordinator.CreateAsync(org.MentorA, org.ContactA);
        var created = await sse.NextAsync();
        Assert.Equal("assignment.created", created!.Type);
        AssertSameJson(await coordinator.GetStringAsync($"/api/v1/assignments/{a.Id}"), created.Data);

        await (await coordinator.PatchJsonAsync(a.Id, """{"status": "pending"}""")).ReadAsync<JsonElement>();
        var updated = await sse.NextAsync();
        Assert.Equal("assignment.updated", updated!.Type);
        AssertSameJson(await coordinator.GetStringAsync($"/api/v1/assignments/{a.Id}"), updated.Data);
        Assert.Equal(created.Id + 1, updated.Id);
        Assert.Equal(await server.Worker.HeadAsync(org.Id), updated.Id);
    }

    [Fact]
    public async Task Stream_OtherChapterAndOtherOrganisation_NeverArrive()
    {
        var org = await server.World.StandardOrgAsync();
        var other = await server.World.StandardOrgAsync();
        await using var coordinatorA = await SseClient.OpenAsync(server.As(org.CoordinatorA));
        await using var admin = await SseClient.OpenAsync(server.As(org.Admin));
        await using var mentorA2 = await SseClient.OpenAsync(server.As(org.MentorA2));

        await server.As(other.CoordinatorA).CreateAsync(other.MentorA, other.ContactA); // another organisation
        var inB = await server.As(org.CoordinatorB).CreateAsync(org.MentorB, org.ContactB); // chapter B
        var inA = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA); // chapter A, mentor A
        var ofA2 = await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA); // chapter A, mentor A2

        // Events arrive in position order, so had anything of B or the other organisation been sent, it would come first.
        Assert.Equal([inA.Id, ofA2.Id], (await coordinatorA.TakeAsync(2)).Select(e => e.Json.GetProperty("id").GetGuid()));
        Assert.Equal([inB.Id, inA.Id, ofA2.Id], (await admin.TakeAsync(3)).Select(e => e.Json.GetProperty("id").GetGuid()));
        Assert.Equal(ofA2.Id, (await mentorA2.NextAsync())!.Json.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Stream_TopicsAndChapterFilter_NarrowWhatArrives()
    {
        var org = await server.World.StandardOrgAsync();
        await using var mentorsOnly = await SseClient.OpenAsync(server.As(org.Admin), StreamHelpers.Url("topics=mentors"));
        await using var chapterB = await SseClient.OpenAsync(server.As(org.Admin), StreamHelpers.Url($"chapter_id={org.ChapterB}"));
        await using var withToken = await SseClient.OpenAsync(server.Anonymous(),
            StreamHelpers.Url($"topics=assignments,notifications&access_token={server.Token(org.Admin.ToString())}"));

        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var statusA = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        var inB = await server.As(org.CoordinatorB).CreateAsync(org.MentorB, org.ContactB);
        var statusB = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterB], org.MentorB);

        Assert.Equal([statusA, statusB], (await mentorsOnly.TakeAsync(2)).Select(e => e.Id!.Value));
        var b = await chapterB.TakeAsync(2);
        Assert.Equal(inB.Id, b[0].Json.GetProperty("id").GetGuid());
        Assert.Equal(statusB, b[1].Id);
        var assignments = await withToken.TakeAsync(2);
        Assert.All(assignments, e => Assert.StartsWith("assignment.", e.Type));
    }

    [Theory]
    [InlineData("topics=assignments,bogus", "topics")]
    [InlineData("topics=", "topics")]
    [InlineData("chapter_id=not-a-uuid", "chapter_id")]
    [InlineData("last_event_id=-1", "last_event_id")]
    [InlineData("last_event_id=abc", "last_event_id")]
    [InlineData("last_event_id=99999999999999999999999", "last_event_id")]
    public async Task Stream_BadQuery_400ProblemNamingTheField(string query, string field)
    {
        var org = await server.World.StandardOrgAsync();
        var problem = await (await server.As(org.Admin).GetAsync(StreamHelpers.Url(query))).ProblemAsync(400, "malformed_request");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Stream_BadHeaderUnknownChapterNoTokenOrNoPerson_Problems()
    {
        var org = await server.World.StandardOrgAsync();
        var other = await server.World.StandardOrgAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, StreamHelpers.Url());
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "twelve");
        await (await server.As(org.Admin).SendAsync(request)).ProblemAsync(400, "malformed_request");
        await (await server.As(org.Admin).GetAsync(StreamHelpers.Url($"chapter_id={other.ChapterA}"))).ProblemAsync(404, "not_found");
        await (await server.Anonymous().GetAsync(StreamHelpers.Url())).ProblemAsync(401, "unauthorized");
        await (await server.Anonymous().GetAsync(StreamHelpers.Url("access_token=garbage"))).ProblemAsync(401, "unauthorized");
        await (await server.As(Guid.NewGuid()).GetAsync(StreamHelpers.Url())).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task OpenApi_DescribesTheStreamAndMetrics()
    {
        var doc = JsonSerializer.Deserialize<JsonElement>(await server.Anonymous().GetStringAsync("/openapi/v1.json"));
        var events = doc.GetProperty("paths").GetProperty("/api/v1/events").GetProperty("get");
        Assert.True(events.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.Equal(["topics", "chapter_id", "last_event_id"], events.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("Last-Event-ID", doc.GetProperty("info").GetProperty("description").GetString());
        Assert.Contains("`GET /metrics`", doc.GetProperty("info").GetProperty("description").GetString()); // served by the exporter, not a route
    }

    private static void AssertSameJson(string expected, string actual) =>
        Assert.True(JsonElement.DeepEquals(JsonSerializer.Deserialize<JsonElement>(expected), JsonSerializer.Deserialize<JsonElement>(actual)),
            $"Expected {expected}\nbut got {actual}");
}
