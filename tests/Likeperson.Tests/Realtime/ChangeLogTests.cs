using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Realtime;

/// <summary>The change log in SQL: positions in commit order, retention with a horizon, the scope epoch, the migration.</summary>
public sealed class ChangeLogTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Fact]
    public async Task Positions_ConcurrentWriters_AReaderNeverFindsASmallerPositionBehindOneItSaw()
    {
        var org = await server.World.StandardOrgAsync();
        const int writers = 8, perWriter = 40;
        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await using var conn = await server.Worker.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                // Work before and after taking the position, so transactions overlap and commit in varied order.
                await conn.ExecuteAsync("SELECT pg_sleep(random() * 0.003)", transaction: tx);
                await conn.ExecuteAsync("SELECT emit_change(@Id, 'mentor.status_changed', ARRAY[@ChapterA], @MentorA, NULL, '{}')", org, tx);
                await conn.ExecuteAsync("SELECT pg_sleep(random() * 0.003)", transaction: tx);
                if (i % 7 == 3) await tx.RollbackAsync(); // an aborted writer must leave no hole either
                else await tx.CommitAsync();
            }
        })).ToList();

        // The reader: whatever it finds after the last position it saw must be exactly the next positions, with no hole that
        // a slower transaction could later fill with a smaller position.
        var seen = 0L;
        var reads = 0;
        while (writing.Any(t => !t.IsCompleted) || seen < await server.Worker.HeadAsync(org.Id))
        {
            await using var conn = await server.Worker.OpenConnectionAsync();
            var found = (await conn.QueryAsync<long>("SELECT position FROM change_events WHERE organization_id = @Id AND position > @seen ORDER BY position",
                new { org.Id, seen })).ToList();
            Assert.Equal(Enumerable.Range(1, found.Count).Select(i => seen + i), found);
            if (found.Count > 0) seen = found[^1];
            reads++;
        }
        await Task.WhenAll(writing);
        Assert.True(reads > 1);
        var committed = writers * (perWriter - Enumerable.Range(0, perWriter).Count(i => i % 7 == 3));
        Assert.Equal(committed, seen);
    }

    [Fact]
    public async Task Prune_DeletesOldEventsPerOrganisationAndRecordsTheHorizon()
    {
        var org = await server.World.StandardOrgAsync();
        var other = await server.World.StandardOrgAsync();
        for (var i = 0; i < 5; i++) await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        await server.Worker.EmitAsync(other.Id, "mentor.status_changed", [other.ChapterA], other.MentorA);
        await using var conn = await server.Worker.OpenConnectionAsync();
        // Positions 1, 2 and 4 are old; 3 (a long transaction's later position with an earlier time is the mirror case) is new.
        await conn.ExecuteAsync("""
            UPDATE change_events SET created_at = now() - interval '10 days' WHERE organization_id = @Id AND position IN (1, 2, 4)
            """, org);
        var pruned = await conn.ExecuteScalarAsync<long>("SELECT change_events_prune(now() - interval '7 days')");

        Assert.Equal(2, pruned); // 4 stays: everything above the horizon is kept, so a resume from it misses nothing
        Assert.Equal([3L, 4, 5], await conn.QueryAsync<long>("SELECT position FROM change_events WHERE organization_id = @Id ORDER BY 1", org));
        Assert.Equal(2, await conn.ExecuteScalarAsync<long>("SELECT pruned_through FROM stream_state WHERE organization_id = @Id", org));
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT pruned_through FROM stream_state WHERE organization_id = @Id", other));
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM change_events WHERE organization_id = @Id", other));

        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT change_events_prune(now() - interval '7 days')")); // idempotent
        Assert.True(await conn.ExecuteScalarAsync<long>("SELECT change_events_prune(now() + interval '1 minute')") >= 3 + 1); // (other tests' too)
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM change_events WHERE organization_id = @Id", org));
        Assert.Equal(5, await conn.ExecuteScalarAsync<long>("SELECT pruned_through FROM stream_state WHERE organization_id = @Id", org));
    }

    [Fact]
    public async Task Prune_ApplicationRole_Refused()
    {
        var org = await server.World.StandardOrgAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            SqlAs.PersonAsync(server.Database, org.Admin, c => c.ExecuteScalarAsync<long>("SELECT change_events_prune(now())")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }

    [Fact]
    public async Task ScopeEpoch_MovesOnMembershipAndAdminChangesOnly()
    {
        var org = await server.World.StandardOrgAsync();
        await using var conn = await server.Worker.OpenConnectionAsync();
        Task<long> Epoch() => conn.ExecuteScalarAsync<long>("SELECT scope_epoch FROM stream_state WHERE organization_id = @Id", org);
        var start = await Epoch();
        Assert.True(start > 0); // the standard organisation's memberships were written
        await conn.ExecuteAsync("UPDATE people SET display_name = 'Renamed' WHERE id = @CoordinatorA", org);
        Assert.Equal(start, await Epoch());
        await conn.ExecuteAsync("UPDATE people SET org_admin = true WHERE id = @CoordinatorA", org);
        Assert.Equal(start + 1, await Epoch());
        await conn.ExecuteAsync("DELETE FROM chapter_memberships WHERE person_id = @CoordinatorB", org);
        Assert.Equal(start + 2, await Epoch());
        await conn.ExecuteAsync("INSERT INTO chapter_memberships VALUES (@CoordinatorB, @ChapterA, @Id, 'coordinator')", org);
        Assert.Equal(start + 3, await Epoch());
        // Stream bookkeeping of one organisation is invisible to another's people.
        var other = await server.World.StandardOrgAsync();
        Assert.Equal(0, await SqlAs.PersonAsync(server.Database, other.Admin,
            c => c.ExecuteScalarAsync<long>("SELECT count(*) FROM stream_state WHERE organization_id = @Id", org)));
        Assert.Equal(1, await SqlAs.PersonAsync(server.Database, org.CoordinatorA,
            c => c.ExecuteScalarAsync<long>("SELECT count(*) FROM stream_state WHERE organization_id = @Id", org)));
        // Deleting an organisation takes its stream state along (the trigger does not resurrect it).
        await conn.ExecuteAsync("DELETE FROM organizations WHERE id = @Id", other);
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM stream_state WHERE organization_id = @Id", other));
    }

    [Fact]
    public async Task Migration0005_DownRemovesEverythingItCreatedAndUpRestoresIt()
    {
        const string own = """
            SELECT (SELECT count(*) FROM pg_proc WHERE proname IN ('change_events_prune', 'stream_scope_changed'))
                 + (SELECT count(*) FROM pg_trigger WHERE tgname IN ('chapter_memberships_stream_scope', 'people_stream_scope'))
                 + (SELECT count(*) FROM pg_class WHERE relname = 'stream_state')
            """;
        var connectionString = await TestCluster.CreateEmptyDatabaseAsync();
        var migrator = new Migrator(connectionString);
        await migrator.MigrateUpAsync();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        Assert.Equal(5, await conn.ExecuteScalarAsync<long>(own));
        await migrator.MigrateDownAsync(4);
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>(own));
        Assert.Equal(Migrator.All.Count(m => m.Version > 4), await migrator.MigrateUpAsync());
        Assert.Equal(5, await conn.ExecuteScalarAsync<long>(own));
    }
}
