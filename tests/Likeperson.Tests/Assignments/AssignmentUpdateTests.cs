using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

public sealed class AssignmentUpdateTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private async Task<(Org Org, AssignmentResponse Assignment)> OpenAssignmentAsync()
    {
        var org = await _world.StandardOrgAsync();
        return (org, await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA, notes: "first"));
    }

    [Fact]
    public async Task Update_OpenToPendingToCompleted_MovesForwardAndCompletingSetsClosedAtAndClosedBy()
    {
        var (org, a) = await OpenAssignmentAsync();
        var coordinator = server.As(org.CoordinatorA);

        var pendingResponse = await coordinator.PatchJsonAsync(a.Id, """{"status": "pending"}""", ifMatch: 1);
        var pending = await pendingResponse.ReadAsync<AssignmentResponse>();
        Assert.Equal((AssignmentStatus.Pending, 2, "\"2\""), (pending.Status, pending.Version, pendingResponse.Headers.ETag?.Tag));
        Assert.Null(pending.ClosedAt);

        var before = DateTime.UtcNow.AddSeconds(-5);
        var completed = await (await server.As(org.Admin).PatchJsonAsync(a.Id, """{"status": "completed"}""")).ReadAsync<AssignmentResponse>();
        Assert.Equal((AssignmentStatus.Completed, 3, org.Admin), (completed.Status, completed.Version, completed.ClosedBy));
        Assert.InRange(completed.ClosedAt!.Value, before, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("first", completed.Notes);
        Assert.Equal(completed, await coordinator.GetAssignmentAsync(a.Id));
    }

    [Fact]
    public async Task Update_OpenStraightToCompleted_IsAllowed()
    {
        var (org, a) = await OpenAssignmentAsync();
        var completed = await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, """{"status": "completed", "notes": "done"}"""))
            .ReadAsync<AssignmentResponse>();
        Assert.Equal((AssignmentStatus.Completed, "done", org.CoordinatorA), (completed.Status, completed.Notes, completed.ClosedBy));
        Assert.NotNull(completed.ClosedAt);
    }

    [Fact]
    public async Task Update_StepBack_Is409StatusRegression()
    {
        var (org, a) = await OpenAssignmentAsync();
        var coordinator = server.As(org.CoordinatorA);
        await (await coordinator.PatchJsonAsync(a.Id, """{"status": "pending"}""")).ReadAsync<AssignmentResponse>();

        await (await coordinator.PatchJsonAsync(a.Id, """{"status": "open"}""")).ProblemAsync(409, "status_regression");
        Assert.Equal((AssignmentStatus.Pending, 2), ((await coordinator.GetAssignmentAsync(a.Id)).Status, (await coordinator.GetAssignmentAsync(a.Id)).Version));
    }

    [Theory]
    [InlineData("""{"status": "open"}""")]
    [InlineData("""{"status": "pending"}""")]
    [InlineData("""{"status": "completed"}""")]
    [InlineData("""{"notes": "an afterthought"}""")]
    [InlineData("""{"notes": null}""")]
    public async Task Update_CompletedAssignment_AnyChangeIs409AssignmentClosed(string body)
    {
        var (org, a) = await OpenAssignmentAsync();
        var coordinator = server.As(org.CoordinatorA);
        var completed = await (await coordinator.PatchJsonAsync(a.Id, """{"status": "completed"}""")).ReadAsync<AssignmentResponse>();

        await (await coordinator.PatchJsonAsync(a.Id, body)).ProblemAsync(409, "assignment_closed");
        Assert.Equal(completed, await coordinator.GetAssignmentAsync(a.Id));
    }

    [Theory]
    [InlineData("""{"peer_mentor_id": "00000000-0000-0000-0000-000000000001"}""", "peer_mentor_id")]
    [InlineData("""{"contact_id": "00000000-0000-0000-0000-000000000001", "status": "pending"}""", "contact_id")]
    [InlineData("""{"organization_id": null}""", "organization_id")]
    [InlineData("""{"mentor_assignment_sequence": 7}""", "mentor_assignment_sequence")]
    [InlineData("""{"closed_at": "2026-01-01T00:00:00Z"}""", "closed_at")]
    [InlineData("""{"version": 9}""", "version")]
    public async Task Update_ImmutableMember_Is422ImmutableFieldAndChangesNothing(string body, string member)
    {
        var (org, a) = await OpenAssignmentAsync();
        var problem = await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, body)).ProblemAsync(422, "immutable_field");
        Assert.True(problem.GetProperty("errors").TryGetProperty(member, out _));
        Assert.Equal(a, await server.As(org.CoordinatorA).GetAssignmentAsync(a.Id));
    }

    [Fact]
    public async Task Update_ImmutableMemberWithItsCurrentValue_IsStill422()
    {
        var (org, a) = await OpenAssignmentAsync();
        await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, $$"""{"peer_mentor_id": "{{a.PeerMentorId}}"}"""))
            .ProblemAsync(422, "immutable_field");
    }

    [Fact]
    public async Task Update_Notes_AreLimitedTo2000AndNullOrBlankClearsThem()
    {
        var (org, a) = await OpenAssignmentAsync();
        var coordinator = server.As(org.CoordinatorA);
        var tooLong = await (await coordinator.PatchJsonAsync(a.Id, $$"""{"notes": "{{AssignmentHelpers.Text(2001)}}"}"""))
            .ProblemAsync(422, "validation_failed");
        Assert.True(tooLong.GetProperty("errors").TryGetProperty("notes", out _));

        var full = await (await coordinator.PatchJsonAsync(a.Id, $$"""{"notes": "{{AssignmentHelpers.Text(2000)}}"}""")).ReadAsync<AssignmentResponse>();
        Assert.Equal((2000, 2), (full.Notes!.Length, full.Version));
        var cleared = await (await coordinator.PatchJsonAsync(a.Id, """{"notes": null}""")).ReadAsync<AssignmentResponse>();
        Assert.Equal((null, 3), (cleared.Notes, cleared.Version));
        var blank = await (await coordinator.PatchJsonAsync(a.Id, """{"notes": "   "}""")).ReadAsync<AssignmentResponse>();
        Assert.Equal((null, 3), (blank.Notes, blank.Version)); // no change, no new version
    }

    [Fact]
    public async Task Update_NothingOrTheSameValues_ReturnsTheAssignmentWithoutANewVersion()
    {
        var (org, a) = await OpenAssignmentAsync();
        var coordinator = server.As(org.CoordinatorA);
        Assert.Equal(a, await (await coordinator.PatchJsonAsync(a.Id, "{}")).ReadAsync<AssignmentResponse>());
        Assert.Equal(a, await (await coordinator.PatchJsonAsync(a.Id, """{"status": "open", "notes": "first"}""")).ReadAsync<AssignmentResponse>());
        Assert.Single(await server.Worker.EventsAsync(org.Id)); // only assignment.created
    }

    [Fact]
    public async Task Update_StaleIfMatch_Is412VersionMismatchAndTheCurrentOneSucceeds()
    {
        var (org, a) = await OpenAssignmentAsync();
        var coordinator = server.As(org.CoordinatorA);
        await (await coordinator.PatchJsonAsync(a.Id, """{"notes": "second"}""", ifMatch: 1)).ReadAsync<AssignmentResponse>();

        await (await coordinator.PatchJsonAsync(a.Id, """{"status": "pending"}""", ifMatch: 1)).ProblemAsync(412, "version_mismatch");
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/assignments/{a.Id}") { Content = new StringContent("""{"status": "pending"}""",
            System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", "\"not-a-version\"");
        await (await coordinator.SendAsync(request)).ProblemAsync(412, "version_mismatch");
        Assert.Equal(3, (await (await coordinator.PatchJsonAsync(a.Id, """{"status": "pending"}""", ifMatch: 2)).ReadAsync<AssignmentResponse>()).Version);
    }

    [Theory]
    [InlineData("""{"status": "closed"}""", 400, "malformed_request")]
    [InlineData("""{"status": 1}""", 400, "malformed_request")]
    [InlineData("""{"notes": 5}""", 400, "malformed_request")]
    [InlineData("""["status"]""", 400, "malformed_request")]
    [InlineData("""{"status": """, 400, "malformed_request")]
    [InlineData("", 400, "malformed_request")]
    [InlineData("""{"stauts": "pending"}""", 422, "validation_failed")]
    public async Task Update_BadBody_IsAClear4xx(string body, int status, string code)
    {
        var (org, a) = await OpenAssignmentAsync();
        await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, body)).ProblemAsync(status, code);
    }

    [Fact]
    public async Task Update_BodyThatIsNotJson_Is415()
    {
        var (org, a) = await OpenAssignmentAsync();
        var response = await server.As(org.CoordinatorA).PatchAsync($"/api/v1/assignments/{a.Id}", new StringContent("status=pending"));
        await response.ProblemAsync(415, "unsupported_media_type");
    }

    [Fact]
    public async Task Update_OutsideScope_Is404AndTheAssignedMentorGets403()
    {
        var (org, a) = await OpenAssignmentAsync();
        var other = await _world.StandardOrgAsync();
        const string body = """{"status": "completed"}""";
        await (await server.As(org.CoordinatorB).PatchJsonAsync(a.Id, body)).ProblemAsync(404, "not_found");
        await (await server.As(other.Admin).PatchJsonAsync(a.Id, body)).ProblemAsync(404, "not_found");
        await (await server.As(org.MentorA2).PatchJsonAsync(a.Id, body)).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).PatchJsonAsync(Guid.NewGuid(), body)).ProblemAsync(404, "not_found");
        await (await server.As(org.MentorA).PatchJsonAsync(a.Id, body)).ProblemAsync(403, "forbidden");
        Assert.Equal(a, await server.As(org.Admin).GetAssignmentAsync(a.Id));
    }
}
