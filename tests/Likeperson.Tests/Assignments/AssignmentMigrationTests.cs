using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Assignments;

public sealed class AssignmentMigrationTests
{
    private const string OwnObjects = """
        SELECT (SELECT count(*) FROM pg_proc WHERE proname IN ('assignment_json', 'assignment_create', 'assignment_update', 'activity_record',
                  'assignment_status_rank', 'assignment_actor_manages', 'assignment_lock_for', -- 0012 merged _rfc3339 and _actor away
                  'assignments_publish_update'))
             + (SELECT count(*) FROM pg_trigger WHERE tgname = 'assignments_publish_update')
             + (SELECT count(*) FROM pg_constraint WHERE conname = 'assignments_closed_by_requires_completed')
             + (SELECT count(*) FROM pg_class WHERE relname = 'assignments_org_newest')
        """;

    [Fact]
    public async Task Migration0004_DownRemovesEverythingItCreatedAndRestoresTheGuard()
    {
        var connectionString = await TestCluster.CreateEmptyDatabaseAsync();
        var migrator = new Migrator(connectionString);
        await migrator.MigrateUpAsync();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        Assert.Equal(11, await conn.ExecuteScalarAsync<long>(OwnObjects));

        await migrator.MigrateDownAsync(3);
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>(OwnObjects));
        var guard = await conn.ExecuteScalarAsync<string>("SELECT prosrc FROM pg_proc WHERE proname = 'assignments_guard'");
        Assert.Contains("OLD.status = 'pending' AND NEW.status = 'open'", guard); // the 0001 body again

        Assert.Equal(Migrator.All.Count(m => m.Version > 3), await migrator.MigrateUpAsync());
        Assert.Equal(11, await conn.ExecuteScalarAsync<long>(OwnObjects));
    }
}
