using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Assignments;

/// <summary>
/// "last_contact_date is never in the future" holds in the database for every role (migration 0009): the worker
/// role, which may write the column directly, is refused a future date; the application role cannot write it at all.
/// </summary>
public sealed class LastContactRuleTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private async Task<(Org Org, Guid Id)> AssignmentAsync()
    {
        var org = await _world.StandardOrgAsync();
        return (org, await _world.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, 1));
    }

    private async Task<DateTime?> LastContactAsync(Guid id)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<DateTime?>("SELECT last_contact_date FROM assignments WHERE id = @id", new { id });
    }

    private async Task<int> AsWorker(string sql, object? args = null)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteAsync(sql, args);
    }

    [Theory]
    [InlineData("now() + interval '1 day'")]
    [InlineData("clock_timestamp() + interval '2 minutes'")]
    [InlineData("'2999-01-01T00:00:00Z'")]
    public async Task DirectUpdate_AsWorker_LastContactInTheFuture_RaisesValidationFailedAndChangesNothing(string when)
    {
        var (_, id) = await AssignmentAsync();

        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            AsWorker($"UPDATE assignments SET last_contact_date = {when} WHERE id = @id", new { id }));

        Assert.Equal(("LP422", "validation_failed", "last_contact_date"), (e.SqlState, e.MessageText, e.Hint));
        Assert.Null(await LastContactAsync(id));
    }

    [Fact]
    public async Task DirectInsert_AsWorker_LastContactInTheFuture_IsRefused()
    {
        var org = await _world.StandardOrgAsync();

        var e = await Assert.ThrowsAsync<PostgresException>(() => AsWorker("""
            INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, mentor_assignment_sequence, last_contact_date)
            SELECT @MentorA, id, organization_id, chapter_id, 1, now() + interval '3 days' FROM contacts WHERE id = @ContactA
            """, org));

        Assert.Equal(("LP422", "validation_failed"), (e.SqlState, e.MessageText));
        await using var conn = await server.Worker.OpenConnectionAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM assignments WHERE peer_mentor_id = @MentorA", org));
    }

    [Fact]
    public async Task DirectWrite_AsWorker_LastContactInThePastOrNow_IsAccepted()
    {
        var (_, id) = await AssignmentAsync();

        Assert.Equal(1, await AsWorker("UPDATE assignments SET last_contact_date = now() - interval '2 days' WHERE id = @id", new { id }));
        Assert.Equal(1, await AsWorker("UPDATE assignments SET last_contact_date = clock_timestamp() WHERE id = @id", new { id }));
        Assert.Equal(1, await AsWorker("UPDATE assignments SET notes = 'unrelated change' WHERE id = @id", new { id }));

        Assert.NotNull(await LastContactAsync(id));
    }

    [Fact]
    public async Task DirectUpdate_AsApplicationRole_LastContact_IsDeniedWhateverTheDate()
    {
        var (org, id) = await AssignmentAsync();

        var e = await Assert.ThrowsAsync<PostgresException>(() => SqlAs.PersonAsync(server.Database, org.Admin,
            conn => conn.ExecuteAsync("UPDATE assignments SET last_contact_date = now() - interval '1 day' WHERE id = @id", new { id })));

        Assert.Equal("42501", e.SqlState);
        Assert.Null(await LastContactAsync(id));
    }

    [Fact]
    public async Task ActivityRecord_AsWorker_FutureOccurredAt_IsRefusedByTheFunction()
    {
        var (_, id) = await AssignmentAsync();

        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            AsWorker("SELECT activity_record(@id, now() + interval '1 day', NULL, NULL, now())", new { id }));

        Assert.Equal(("LP422", "occurred_at"), (e.SqlState, e.Hint));
        Assert.Null(await LastContactAsync(id));
    }

    [Fact]
    public async Task ActivityRecord_ServersNowAheadOfTheDatabaseClock_IsTheFunctionsCallAndAccepted()
    {
        // The server's TimeProvider is the clock of the rules (tests drive it; skew must not refuse a valid activity).
        var (_, id) = await AssignmentAsync();
        var serverNow = DateTime.UtcNow.AddDays(7);

        await AsWorker("SELECT activity_record(@id, @at, NULL, NULL, @serverNow)", new { id, at = serverNow.AddHours(-1), serverNow });

        Assert.Equal(serverNow.AddHours(-1), (await LastContactAsync(id))!.Value.ToUniversalTime(), TimeSpan.FromMilliseconds(1));
    }
}
