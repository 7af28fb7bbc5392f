using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

public sealed class AssignmentActivityTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private async Task<(Org Org, AssignmentResponse Assignment)> OpenAssignmentAsync()
    {
        var org = await _world.StandardOrgAsync();
        return (org, await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA));
    }

    private static DateTimeOffset Micro(DateTimeOffset t) => new(t.Ticks - t.Ticks % 10, TimeSpan.Zero); // PostgreSQL keeps microseconds

    [Fact]
    public async Task RecordActivity_ByTheAssignedMentor_Returns201AndSetsLastContactDate()
    {
        var (org, a) = await OpenAssignmentAsync();
        var at = Micro(DateTimeOffset.UtcNow.AddHours(-1));

        var activity = await (await server.As(org.MentorA).RecordActivityAsync(a.Id, at, note: "Phone call")).ReadAsync<ActivityResponse>(201);

        Assert.Equal((a.Id, at.UtcDateTime, "contact", "Phone call", org.MentorA), (activity.AssignmentId, activity.OccurredAt, activity.Kind,
            activity.Note, activity.RecordedBy));
        var after = await server.As(org.CoordinatorA).GetAssignmentAsync(a.Id);
        Assert.Equal((at.UtcDateTime, 2), (after.LastContactDate, after.Version));
    }

    [Fact]
    public async Task RecordActivity_OlderActivityRecordedLate_NeverMovesLastContactDateBack()
    {
        var (org, a) = await OpenAssignmentAsync();
        var mentor = server.As(org.MentorA);
        var recent = Micro(DateTimeOffset.UtcNow.AddHours(-1));
        await (await mentor.RecordActivityAsync(a.Id, recent)).ReadAsync<ActivityResponse>(201);
        await (await mentor.RecordActivityAsync(a.Id, recent.AddDays(-3), kind: "visit")).ReadAsync<ActivityResponse>(201);

        var unchanged = await mentor.GetAssignmentAsync(a.Id);
        Assert.Equal((recent.UtcDateTime, 2), (unchanged.LastContactDate, unchanged.Version));

        var newest = recent.AddMinutes(30);
        await (await server.As(org.CoordinatorA).RecordActivityAsync(a.Id, newest)).ReadAsync<ActivityResponse>(201);
        Assert.Equal(newest.UtcDateTime, (await mentor.GetAssignmentAsync(a.Id)).LastContactDate);
        // created + the two activities that moved the date; the late one changed nothing and published nothing
        Assert.Equal(["assignment.created", "assignment.updated", "assignment.updated"], (await server.Worker.EventsAsync(org.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task RecordActivity_InTheFuture_Is422OnOccurredAt()
    {
        var (org, a) = await OpenAssignmentAsync();
        var problem = await (await server.As(org.MentorA).RecordActivityAsync(a.Id, DateTimeOffset.UtcNow.AddHours(1)))
            .ProblemAsync(422, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("occurred_at", out _));
        Assert.Null((await server.As(org.MentorA).GetAssignmentAsync(a.Id)).LastContactDate);
    }

    /// <summary>activity_record judges every field (one rule, in SQL) and names the one it refuses.</summary>
    [Theory]
    [InlineData("occurred_at")]
    [InlineData("kind")]
    [InlineData("note")]
    public async Task RecordActivity_InvalidField_Is422NamingIt(string field)
    {
        var (org, a) = await OpenAssignmentAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        object body = field switch
        {
            "occurred_at" => new { occurred_at = DateTimeOffset.UtcNow.AddHours(1) },
            "kind" => new { occurred_at = at, kind = AssignmentHelpers.Text(51) },
            _ => new { occurred_at = at, note = AssignmentHelpers.Text(2001) },
        };
        var response = await server.As(org.MentorA).PostJsonAsync($"/api/v1/assignments/{a.Id}/activities", body);
        var errors = (await response.ProblemAsync(422, "validation_failed")).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task RecordActivity_CoordinatorsAndAdminsMayOthersGet404()
    {
        var (org, a) = await OpenAssignmentAsync();
        var other = await _world.StandardOrgAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await (await server.As(org.CoordinatorA).RecordActivityAsync(a.Id, at)).ReadAsync<ActivityResponse>(201);
        await (await server.As(org.Admin).RecordActivityAsync(a.Id, at)).ReadAsync<ActivityResponse>(201);

        await (await server.As(org.CoordinatorB).RecordActivityAsync(a.Id, at)).ProblemAsync(404, "not_found");
        await (await server.As(org.MentorA2).RecordActivityAsync(a.Id, at)).ProblemAsync(404, "not_found");
        await (await server.As(other.Admin).RecordActivityAsync(a.Id, at)).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).RecordActivityAsync(Guid.NewGuid(), at)).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task RecordActivity_OnACompletedAssignment_Is409AssignmentClosed()
    {
        var (org, a) = await OpenAssignmentAsync();
        await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, """{"status": "completed"}""")).ReadAsync<AssignmentResponse>();
        await (await server.As(org.MentorA).RecordActivityAsync(a.Id, DateTimeOffset.UtcNow.AddMinutes(-1))).ProblemAsync(409, "assignment_closed");
    }
}
