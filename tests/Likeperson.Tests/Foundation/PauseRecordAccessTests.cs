using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>Who may read and change pause records and mentor status, as the application role with identities set.</summary>
public sealed class PauseRecordAccessTests(FoundationDatabase db) : IClassFixture<FoundationDatabase>
{
    private async Task<(Org Org, Dictionary<Guid, Guid> PauseOf)> OrgWithPausesAsync()
    {
        var org = await db.World.StandardOrgAsync();
        var pauses = new Dictionary<Guid, Guid>();
        await db.AsWorkerAsync(async c =>
        {
            foreach (var mentor in new[] { org.MentorA, org.MentorA2, org.MentorB })
            {
                await PauseRecordConstraintTests.InsertPauseAsync(c, org.Id, mentor, "active");
                pauses[mentor] = await PauseRecordConstraintTests.InsertPauseAsync(c, org.Id, mentor);
            }
            return 0;
        });
        return (org, pauses);
    }

    private Task<Guid[]> VisibleMentorsAsync(Guid person) => db.AsPersonAsync(person, async c =>
        (await c.QueryAsync<Guid>("SELECT DISTINCT mentor_id FROM pause_records ORDER BY 1")).ToArray());

    [Fact]
    public async Task Select_AsMentor_SeesOwnPauseRowsOnly()
    {
        var (org, pauses) = await OrgWithPausesAsync();
        Assert.Equal([org.MentorA], await VisibleMentorsAsync(org.MentorA));
        var count = await db.AsPersonAsync(org.MentorA, c => c.ExecuteScalarAsync<int>("SELECT count(*) FROM pause_records"));
        Assert.Equal(2, count); // the finished and the live one
        var other = await db.AsPersonAsync(org.MentorA, c =>
            c.ExecuteScalarAsync<int>("SELECT count(*) FROM pause_records WHERE id = @id", new { id = pauses[org.MentorA2] }));
        Assert.Equal(0, other);
    }

    [Fact]
    public async Task Select_AsCoordinator_SeesTheirChaptersMentorsOnly()
    {
        var (org, _) = await OrgWithPausesAsync();
        Assert.Equal(new[] { org.MentorA, org.MentorA2 }.Order(), await VisibleMentorsAsync(org.CoordinatorA));
        Assert.Equal([org.MentorB], await VisibleMentorsAsync(org.CoordinatorB));
        Assert.Equal(new[] { org.MentorA, org.MentorA2, org.MentorB }.Order(), await VisibleMentorsAsync(org.Admin));
    }

    [Fact]
    public async Task Select_WithoutIdentity_SeesNothing()
    {
        var (org, _) = await OrgWithPausesAsync();
        var count = await SqlAs.PersonAsync(db.Connections, null, c => c.ExecuteScalarAsync<int>(
            "SELECT (SELECT count(*) FROM pause_records) + (SELECT count(*) FROM peer_mentors) + (SELECT count(*) FROM people)"));
        Assert.Equal(0, count);
    }

    [Theory]
    [InlineData("UPDATE peer_mentors SET status = 'inactive' WHERE id = @me")]
    [InlineData("UPDATE peer_mentors SET version = version + 1 WHERE id = @me")]
    [InlineData("UPDATE pause_records SET status = 'active', ended_at = now() WHERE mentor_id = @me")]
    [InlineData("DELETE FROM pause_records WHERE mentor_id = @me")]
    [InlineData("INSERT INTO pause_records (mentor_id, organization_id, status, kind) SELECT id, organization_id, 'paused', 'voluntary' FROM peer_mentors WHERE id = @other")]
    [InlineData("DELETE FROM peer_mentors WHERE id = @me")]
    public async Task Write_AsMentorOrCoordinator_IsPermissionDeniedAndChangesNothing(string sql)
    {
        var (org, _) = await OrgWithPausesAsync();
        var before = await SnapshotAsync(org);
        foreach (var person in new[] { org.MentorA, org.CoordinatorA, org.Admin })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() =>
                db.AsPersonAsync(person, c => c.ExecuteAsync(sql, new { me = org.MentorA, other = org.MentorA2 })));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState); // 42501
        }
        Assert.Equal(before, await SnapshotAsync(org));
    }

    private Task<string> SnapshotAsync(Org org) => db.AsWorkerAsync(c => c.ExecuteScalarAsync<string>("""
        SELECT (SELECT string_agg(id || status || version, ',' ORDER BY id) FROM peer_mentors WHERE organization_id = @Id)
            || (SELECT string_agg(id || status || coalesce(ended_at::text, '-'), ',' ORDER BY id) FROM pause_records WHERE organization_id = @Id)
        """, org))!;
}
