using System.Text.Json;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Assignments;

/// <summary>
/// Activities that count (issue 18.4): duration_minutes (1 to 1440, optional), participants (at least 1, default 1) and mode
/// (in_person, phone, video, written; optional), judged by activity_record and held by the table's CHECK constraints; and
/// no new activity on an assignment whose mentor is not active (422 peer_mentor_not_active).
/// </summary>
public sealed class ActivityMeasuresTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private async Task<(Org Org, AssignmentResponse Assignment)> OpenAssignmentAsync()
    {
        var org = await _world.StandardOrgAsync();
        return (org, await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA));
    }

    private Task<HttpResponseMessage> RecordAsync(Guid person, Guid assignment, object body) =>
        server.As(person).PostJsonAsync($"/api/v1/assignments/{assignment}/activities", body);

    private async Task<int> ActivitiesAsync(Guid assignment)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("SELECT count(*)::int FROM assignment_activities WHERE assignment_id = @assignment", new { assignment });
    }

    private static DateTimeOffset Earlier => DateTimeOffset.UtcNow.AddMinutes(-30);

    [Fact]
    public async Task Record_WithoutMeasures_HasOneParticipantAndNoDurationOrMode_InTheResponseAndTheList()
    {
        var (org, a) = await OpenAssignmentAsync();

        var activity = await (await RecordAsync(org.MentorA, a.Id, new { occurred_at = Earlier })).ReadAsync<ActivityResponse>(201);

        Assert.Equal((null, 1, null), (activity.DurationMinutes, activity.Participants, activity.Mode));
        var listed = (await server.As(org.CoordinatorA).GetAsync($"/api/v1/assignments/{a.Id}/activities")).ReadAsync<JsonElement>();
        var item = (await listed).GetProperty("items")[0];
        Assert.Equal(JsonValueKind.Null, item.GetProperty("duration_minutes").ValueKind);
        Assert.Equal(1, item.GetProperty("participants").GetInt32());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("mode").ValueKind);
    }

    [Theory]
    [InlineData(1, 1, "in_person")]
    [InlineData(1440, 12, "phone")]
    [InlineData(45, 2, "video")]
    [InlineData(null, 3, "written")]
    public async Task Record_WithMeasuresWithinTheirBounds_KeepsThemInTheResponseAndTheList(int? duration, int participants, string mode)
    {
        var (org, a) = await OpenAssignmentAsync();

        var activity = await (await RecordAsync(org.CoordinatorA, a.Id,
            new { occurred_at = Earlier, duration_minutes = duration, participants, mode })).ReadAsync<ActivityResponse>(201);

        Assert.Equal((duration, participants, mode), (activity.DurationMinutes, activity.Participants, activity.Mode));
        var item = (await (await server.As(org.MentorA).GetAsync($"/api/v1/assignments/{a.Id}/activities")).ReadAsync<JsonElement>())
            .GetProperty("items")[0];
        Assert.Equal(activity.Id, item.GetProperty("id").GetGuid());
        Assert.Equal(duration, item.GetProperty("duration_minutes").ValueKind == JsonValueKind.Null ? null : item.GetProperty("duration_minutes").GetInt32());
        Assert.Equal(participants, item.GetProperty("participants").GetInt32());
        Assert.Equal(mode, item.GetProperty("mode").GetString());
    }

    [Theory]
    [InlineData("duration_minutes", 0)]
    [InlineData("duration_minutes", 1441)]
    [InlineData("duration_minutes", -5)]
    [InlineData("participants", 0)]
    [InlineData("participants", -1)]
    [InlineData("mode", "carrier_pigeon")]
    [InlineData("mode", "PHONE")]
    public async Task Record_AMeasureOutOfBounds_Is422NamingOnlyThatFieldAndWritesNothing(string field, object value)
    {
        var (org, a) = await OpenAssignmentAsync();
        var body = new Dictionary<string, object?> { ["occurred_at"] = Earlier, [field] = value };

        var problem = await (await RecordAsync(org.MentorA, a.Id, body)).ProblemAsync(422, "validation_failed");

        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, await ActivitiesAsync(a.Id));
        var after = await server.As(org.MentorA).GetAssignmentAsync(a.Id);
        Assert.Equal((null, 1), (after.LastContactDate, after.Version));
    }

    [Theory]
    [InlineData("paused")]
    [InlineData("pending_reactivation")]
    [InlineData("inactive")]
    public async Task Record_OnAnAssignmentWhoseMentorIsNotActive_Is422PeerMentorNotActiveAndWritesNothing(string status)
    {
        var (org, a) = await OpenAssignmentAsync();
        await server.Worker.SetMentorStatusAsync(org.MentorA, status);

        foreach (var person in new[] { org.MentorA, org.CoordinatorA, org.Admin })
            await (await RecordAsync(person, a.Id, new { occurred_at = Earlier, duration_minutes = 30 })).ProblemAsync(422, "peer_mentor_not_active");

        Assert.Equal(0, await ActivitiesAsync(a.Id));
        Assert.Null((await server.As(org.CoordinatorA).GetAssignmentAsync(a.Id)).LastContactDate);
        await server.Worker.SetMentorStatusAsync(org.MentorA, "active");
        await (await RecordAsync(org.MentorA, a.Id, new { occurred_at = Earlier })).ReadAsync<ActivityResponse>(201);
    }

    [Fact]
    public async Task Record_OutOfScope_StaysNotFound_EvenWhenTheMentorIsPaused()
    {
        var (org, a) = await OpenAssignmentAsync();
        await server.Worker.SetMentorStatusAsync(org.MentorA, "paused");
        await (await RecordAsync(org.CoordinatorB, a.Id, new { occurred_at = Earlier })).ProblemAsync(404, "not_found");
    }

    /// <summary>The table itself holds the bounds: even a writer that bypasses activity_record cannot store a value outside them.</summary>
    [Theory]
    [InlineData("duration_minutes", "0", "assignment_activities_duration_minutes_range")]
    [InlineData("duration_minutes", "1441", "assignment_activities_duration_minutes_range")]
    [InlineData("participants", "0", "assignment_activities_participants_positive")]
    [InlineData("mode", "'fax'", "assignment_activities_mode_valid")]
    public async Task Table_RefusesAMeasureOutOfBounds(string column, string value, string constraint)
    {
        var (_, a) = await OpenAssignmentAsync();
        await using var conn = await server.Worker.OpenConnectionAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync($"""
            INSERT INTO assignment_activities (assignment_id, organization_id, occurred_at, {column})
            SELECT id, organization_id, now() - interval '1 hour', {value} FROM assignments WHERE id = @id
            """, new { id = a.Id }));
        Assert.Equal((PostgresErrorCodes.CheckViolation, constraint), (e.SqlState, e.ConstraintName));
    }
}
