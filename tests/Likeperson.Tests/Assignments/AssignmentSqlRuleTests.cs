using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Assignments;

/// <summary>
/// The database as the final enforcement point: direct SQL, as the application role (which may
/// UPDATE status and notes under RLS) or the worker, cannot break the assignment rules.
/// </summary>
public sealed class AssignmentSqlRuleTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private Task<int> AsPerson(Guid person, string sql, object? args = null) =>
        SqlAs.PersonAsync(server.Database, person, conn => conn.ExecuteAsync(sql, args));

    private async Task<int> AsWorker(string sql, object? args = null)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteAsync(sql, args);
    }

    private static async Task<PostgresException> Refused(Func<Task> action, string sqlState, string? message = null)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(action);
        Assert.Equal(sqlState, e.SqlState);
        if (message is not null) Assert.Equal(message, e.MessageText);
        return e;
    }

    private async Task<dynamic> RowAsync(Guid id)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.QuerySingleAsync("SELECT * FROM assignments WHERE id = @id", new { id });
    }

    private async Task<(Org Org, Guid Id)> AssignmentAsync(string status = "open")
    {
        var org = await _world.StandardOrgAsync();
        var id = await SqlAs.PersonAsync(server.Database, org.CoordinatorA, conn => conn.ExecuteScalarAsync<Guid>(
            "SELECT id FROM assignment_create(@MentorA, @ContactA, @status, NULL, now())", new { org.MentorA, org.ContactA, status }));
        return (org, id);
    }

    [Theory]
    [InlineData("peer_mentor_id = gen_random_uuid()")]
    [InlineData("contact_id = gen_random_uuid()")]
    [InlineData("organization_id = gen_random_uuid()")]
    [InlineData("mentor_assignment_sequence = 99")]
    [InlineData("closed_at = now()")]
    [InlineData("closed_by = created_by")]
    [InlineData("last_contact_date = now()")]
    [InlineData("honorarium_threshold_triggered = '{}'")]
    [InlineData("version = 42")]
    public async Task DirectUpdate_AsApplicationRole_OfAnythingButStatusAndNotes_IsDenied(string assignment)
    {
        var (org, id) = await AssignmentAsync();
        await Refused(() => AsPerson(org.Admin, $"UPDATE assignments SET {assignment} WHERE id = @id", new { id }), "42501");
    }

    [Theory]
    [InlineData("peer_mentor_id = (SELECT id FROM peer_mentors WHERE id <> assignments.peer_mentor_id AND organization_id = assignments.organization_id LIMIT 1)")]
    [InlineData("contact_id = (SELECT id FROM contacts WHERE id <> assignments.contact_id AND organization_id = assignments.organization_id LIMIT 1)")]
    [InlineData("mentor_assignment_sequence = 99")]
    [InlineData("created_at = now() - interval '1 day'")]
    [InlineData("created_by = NULL")]
    [InlineData("honorarium_threshold_triggered = '{\"threshold_3\": \"2026-01-01T00:00:00Z\"}'")]
    public async Task DirectUpdate_EvenAsWorker_OfAnImmutableField_RaisesImmutableField(string assignment)
    {
        var (_, id) = await AssignmentAsync();
        await Refused(() => AsWorker($"UPDATE assignments SET {assignment} WHERE id = @id", new { id }), "LP422", "immutable_field");
    }

    [Fact]
    public async Task DirectUpdate_AsApplicationRole_StepBack_RaisesStatusRegression()
    {
        var (org, id) = await AssignmentAsync("pending");
        await Refused(() => AsPerson(org.CoordinatorA, "UPDATE assignments SET status = 'open' WHERE id = @id", new { id }), "LP409", "status_regression");
        Assert.Equal("pending", (await RowAsync(id)).status);
    }

    [Fact]
    public async Task DirectUpdate_AsApplicationRole_Completing_SetsClosedAtClosedByVersionAndPublishes()
    {
        var (org, id) = await AssignmentAsync();
        Assert.Equal(1, await AsPerson(org.CoordinatorA, "UPDATE assignments SET status = 'completed' WHERE id = @id", new { id }));

        var row = await RowAsync(id);
        Assert.NotNull(row.closed_at);
        Assert.Equal(org.CoordinatorA, (Guid)row.closed_by);
        Assert.Equal(2, (int)row.version);
        var updated = (await server.Worker.EventsAsync(org.Id)).Last();
        Assert.Equal("assignment.updated", updated.Type);
        Assert.Equal("completed", updated.Payload.GetProperty("status").GetString());
        Assert.Equal(2, updated.Payload.GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("status = 'open'")]
    [InlineData("status = 'completed'")]
    [InlineData("notes = 'later'")]
    public async Task DirectUpdate_AsApplicationRole_OfACompletedAssignment_RaisesAssignmentClosed(string assignment)
    {
        var (org, id) = await AssignmentAsync();
        await AsPerson(org.CoordinatorA, "UPDATE assignments SET status = 'completed' WHERE id = @id", new { id });
        await Refused(() => AsPerson(org.Admin, $"UPDATE assignments SET {assignment} WHERE id = @id", new { id }), "LP409", "assignment_closed");
    }

    [Theory]
    [InlineData("closed_at = now() + interval '1 day'")]
    [InlineData("closed_by = NULL")]
    [InlineData("last_contact_date = now()")]
    public async Task DirectUpdate_AsWorker_ClosingFieldsOfACompletedAssignment_NeverChange(string assignment)
    {
        var (org, id) = await AssignmentAsync();
        await AsPerson(org.CoordinatorA, "UPDATE assignments SET status = 'completed' WHERE id = @id", new { id });
        await Refused(() => AsWorker($"UPDATE assignments SET {assignment} WHERE id = @id", new { id }), "LP409", "assignment_closed");
    }

    [Theory]
    [InlineData("closed_at = now()", "assignments_closed_at_requires_completed")]
    [InlineData("closed_by = created_by", "assignments_closed_by_requires_completed")]
    public async Task DirectUpdate_AsWorker_ClosingFieldsWithoutCompletion_BreakTheirCheck(string assignment, string constraint)
    {
        var (_, id) = await AssignmentAsync();
        var e = await Refused(() => AsWorker($"UPDATE assignments SET {assignment} WHERE id = @id", new { id }), "23514");
        Assert.Equal(constraint, e.ConstraintName);
    }

    [Theory]
    [InlineData("status = 'archived'", "assignments_status_valid")]
    [InlineData("notes = repeat('x', 2001)", "assignments_notes_length")]
    public async Task DirectUpdate_AsApplicationRole_InvalidStatusOrNotes_BreakTheirCheck(string assignment, string constraint)
    {
        var (org, id) = await AssignmentAsync();
        var e = await Refused(() => AsPerson(org.CoordinatorA, $"UPDATE assignments SET {assignment} WHERE id = @id", new { id }), "23514");
        Assert.Equal(constraint, e.ConstraintName);
    }

    [Fact]
    public async Task DirectUpdate_AsApplicationRole_OutsideManagementScope_TouchesNoRow()
    {
        var (org, id) = await AssignmentAsync();
        var other = await _world.StandardOrgAsync();
        foreach (var person in new[] { org.MentorA, org.CoordinatorB, other.Admin })
            Assert.Equal(0, await AsPerson(person, "UPDATE assignments SET notes = 'x' WHERE id = @id", new { id }));
        Assert.Equal(1, (int)(await RowAsync(id)).version);
    }

    [Fact]
    public async Task Insert_NonPositiveOrDuplicateSequence_IsRefused()
    {
        var org = await _world.StandardOrgAsync();
        var e = await Refused(() => _world.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, 0), "23514");
        Assert.Equal("assignments_sequence_positive", e.ConstraintName);
        await _world.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, 1);
        await Refused(() => _world.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, 1), "23505");
    }

    [Fact]
    public async Task Insert_AsApplicationRole_IsDeniedSoCreationGoesThroughTheFunction()
    {
        var org = await _world.StandardOrgAsync();
        await Refused(() => AsPerson(org.Admin, """
            INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, mentor_assignment_sequence)
            VALUES (@MentorA, @ContactA, @Id, @ChapterA, 1)
            """, org), "42501");
        await Refused(() => AsPerson(org.Admin, "INSERT INTO assignment_activities (assignment_id, organization_id, occurred_at) VALUES (gen_random_uuid(), @Id, now())", org), "42501");
    }

    [Fact]
    public async Task AssignmentCreate_InSql_ChecksMentorStatusOrganisationAndIdentity()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        const string create = "SELECT id FROM assignment_create(@mentor, @contact, 'open', NULL, now())";
        await server.Worker.SetMentorStatusAsync(org.MentorA, "paused");
        await Refused(() => AsPerson(org.Admin, create, new { mentor = org.MentorA, contact = org.ContactA }), "LP422", "peer_mentor_not_active");
        // Another organisation's mentor is not found for a person (like a random id); the worker, acting as no one, hears the rule itself.
        await Refused(() => AsPerson(org.Admin, create, new { mentor = other.MentorA, contact = org.ContactA }), "LP404", "not_found");
        await Refused(() => AsWorker(create, new { mentor = other.MentorA, contact = org.ContactA }), "LP422", "organization_mismatch");
        await Refused(() => SqlAs.PersonAsync(server.Database, null, c => c.ExecuteAsync(create, new { mentor = org.MentorA2, contact = org.ContactA })),
            "LP404", "not_found");
        await Refused(() => AsPerson(org.Admin, "SELECT assignment_create(@MentorA2, @ContactA, 'completed', NULL, now())", org), "LP422", "validation_failed");
        await Refused(() => AsPerson(org.Admin, "SELECT assignment_create(@MentorA2, @ContactA, 'open', repeat('x', 2001), now())", org), "LP422", "validation_failed");
    }

    [Fact]
    public async Task AssignmentCreate_AsWorkerWithoutIdentity_CreatesAsTheSystem()
    {
        var org = await _world.StandardOrgAsync();
        await using var conn = await server.Worker.OpenConnectionAsync();
        var json = await conn.ExecuteScalarAsync<string>("SELECT assignment_json(a)::text FROM assignment_create(@MentorA, @ContactB, 'pending', NULL, now()) a", org);
        var a = JsonSerializer.Deserialize<JsonElement>(json!);
        Assert.Equal(JsonValueKind.Null, a.GetProperty("created_by").ValueKind);
        Assert.Equal("pending", a.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ActivityRecord_InSql_RefusesAFutureTimeAgainstTheGivenNow()
    {
        var (org, id) = await AssignmentAsync();
        var e = await Refused(() => AsPerson(org.MentorA, "SELECT activity_record(@id, now() - interval '1 hour', NULL, NULL, now() - interval '2 hours')",
            new { id }), "LP422", "validation_failed");
        Assert.Equal("occurred_at", e.Hint);
        var check = await Refused(() => AsWorker("""
            INSERT INTO assignment_activities (assignment_id, organization_id, occurred_at) VALUES (@id, @Id, now() + interval '1 hour')
            """, new { id, org.Id }), "23514");
        Assert.Equal("assignment_activities_not_in_future", check.ConstraintName);
    }
}
