using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>The assignments table's CHECKs and guard trigger, at SQL level as the worker role (which may UPDATE).</summary>
public sealed class AssignmentConstraintTests(FoundationDatabase db) : IClassFixture<FoundationDatabase>
{
    private Task<Guid> InsertAsync(Org org, int sequence, string status = "open", string? closedAt = null, string? notes = null) =>
        db.AsWorkerAsync(c => c.ExecuteScalarAsync<Guid>($"""
            INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence, closed_at, notes)
            VALUES (@MentorA, @ContactA, @Id, @ChapterA, @status, @sequence, {closedAt ?? "NULL"}, @notes) RETURNING id
            """, new { org.MentorA, org.ContactA, org.Id, org.ChapterA, status, sequence, notes }));

    private Task<int> UpdateAsync(Guid id, string set, Org? org = null) =>
        db.AsWorkerAsync(c => c.ExecuteAsync($"UPDATE assignments SET {set} WHERE id = @id", new { id, org?.MentorA2, org?.ContactB }));

    private static async Task<PostgresException> RefusedAsync(Func<Task> act, string sqlState)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(act);
        Assert.Equal(sqlState, e.SqlState);
        return e;
    }

    [Theory]
    [InlineData("open", "now()", "assignments_closed_at_requires_completed")]
    [InlineData("pending", "now()", "assignments_closed_at_requires_completed")]
    [InlineData("completed", null, "assignments_completed_has_closed_at")]
    public async Task Insert_ClosedAtNotMatchingCompleted_FailsTheCheck(string status, string? closedAt, string constraint)
    {
        var org = await db.World.StandardOrgAsync();
        var e = await RefusedAsync(() => InsertAsync(org, 1, status, closedAt), PostgresErrorCodes.CheckViolation);
        Assert.Equal(constraint, e.ConstraintName);
        await InsertAsync(org, 1, "completed", "now()"); // the consistent pair is fine
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Insert_SequenceNotPositive_FailsTheCheck(int sequence)
    {
        var org = await db.World.StandardOrgAsync();
        var e = await RefusedAsync(() => InsertAsync(org, sequence), PostgresErrorCodes.CheckViolation);
        Assert.Equal("assignments_sequence_positive", e.ConstraintName);
    }

    [Fact]
    public async Task Insert_NotesOver2000Characters_FailsTheCheck()
    {
        var org = await db.World.StandardOrgAsync();
        await InsertAsync(org, 1, notes: new string('n', 2000));
        var e = await RefusedAsync(() => InsertAsync(org, 2, notes: new string('n', 2001)), PostgresErrorCodes.CheckViolation);
        Assert.Equal("assignments_notes_length", e.ConstraintName);
    }

    [Fact]
    public async Task Insert_SameMentorSequenceTwice_FailsTheUniqueIndex()
    {
        var org = await db.World.StandardOrgAsync();
        await InsertAsync(org, 1);
        var e = await RefusedAsync(() => InsertAsync(org, 1), PostgresErrorCodes.UniqueViolation);
        Assert.Equal("idx_assignment_peer_mentor_org_sequence", e.ConstraintName);
        await InsertAsync(org, 2);
    }

    [Theory]
    [InlineData("peer_mentor_id = @MentorA2")]
    [InlineData("contact_id = @ContactB")]
    public async Task Update_ImmutableField_IsRefused(string set)
    {
        var org = await db.World.StandardOrgAsync();
        var id = await InsertAsync(org, 1);
        var e = await RefusedAsync(() => UpdateAsync(id, set, org), "LP422");
        Assert.Equal("immutable_field", e.MessageText);
        Assert.Equal(1, await db.AsWorkerAsync(c => c.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM assignments WHERE id = @id AND peer_mentor_id = @MentorA AND contact_id = @ContactA AND version = 1",
            new { id, org.MentorA, org.ContactA })));
    }

    [Theory]
    [InlineData("notes = 'late note'")]
    [InlineData("status = 'open'")]
    [InlineData("status = 'pending'")]
    public async Task Update_CompletedAssignment_IsClosed(string set)
    {
        var org = await db.World.StandardOrgAsync();
        var id = await InsertAsync(org, 1, "completed", "now()");
        var e = await RefusedAsync(() => UpdateAsync(id, set), "LP409");
        Assert.Equal("assignment_closed", e.MessageText);
    }

    [Fact]
    public async Task Update_PendingBackToOpen_IsAStatusRegression()
    {
        var org = await db.World.StandardOrgAsync();
        var id = await InsertAsync(org, 1, "pending");
        var e = await RefusedAsync(() => UpdateAsync(id, "status = 'open'"), "LP409");
        Assert.Equal("status_regression", e.MessageText);
    }

    [Fact]
    public async Task Update_Forward_BumpsVersionAndClosesOnCompletion()
    {
        var org = await db.World.StandardOrgAsync();
        var id = await InsertAsync(org, 1);
        await UpdateAsync(id, "status = 'pending'");
        await UpdateAsync(id, "status = 'completed'");
        var row = await db.AsWorkerAsync(c => c.QuerySingleAsync<(string Status, int Version, bool Closed)>(
            "SELECT status, version, closed_at IS NOT NULL FROM assignments WHERE id = @id", new { id }));
        Assert.Equal(("completed", 3, true), row);
    }
}
