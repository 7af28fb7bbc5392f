using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Notifications;

public sealed class NotificationMigrationTests
{
    private const string OwnObjects = """
        SELECT (SELECT count(*) FROM pg_proc WHERE proname IN ('notification_json', 'notification_publish', -- 0012 dropped the unused
                  'device_register', 'notification_recipient_name'))                                 -- notification_create/_audience
             + (SELECT count(*) FROM pg_class WHERE relname = 'notifications_failed')
        """;

    [Fact]
    public async Task Migration0006_DownRemovesEverythingItCreatedAndUpRestoresIt()
    {
        var connectionString = await TestCluster.CreateEmptyDatabaseAsync();
        var migrator = new Migrator(connectionString);
        await migrator.MigrateUpAsync();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        Assert.Equal(5, await conn.ExecuteScalarAsync<long>(OwnObjects));

        await migrator.MigrateDownAsync(5);
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>(OwnObjects));

        Assert.Equal(Migrator.All.Count(m => m.Version > 5), await migrator.MigrateUpAsync());
        Assert.Equal(5, await conn.ExecuteScalarAsync<long>(OwnObjects));
    }
}

public sealed class NotificationBatchMigrationTests
{
    private const string BatchObjects = """
        SELECT (SELECT count(*) FROM pg_proc WHERE proname IN ('notification_create_many', 'notification_audiences'))
             + (SELECT count(*) FROM pg_class WHERE relname = 'notifications_push_queue')
             - (SELECT count(*) FROM pg_class WHERE relname = 'notifications_push_due')
             + (SELECT count(*) FROM pg_proc WHERE proname = 'notification_publish' AND prosrc NOT LIKE '%PERFORM emit_change(%')
        """;

    [Fact]
    public async Task Migration0010_DownRestoresTheRowByRowFormsAndUpRestoresTheBatches()
    {
        var connectionString = await TestCluster.CreateEmptyDatabaseAsync();
        var migrator = new Migrator(connectionString);
        await migrator.MigrateUpAsync();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        Assert.Equal(4, await conn.ExecuteScalarAsync<long>(BatchObjects));

        await migrator.MigrateDownAsync(9);
        Assert.Equal(-1, await conn.ExecuteScalarAsync<long>(BatchObjects));

        Assert.Equal(Migrator.All.Count(m => m.Version > 9), await migrator.MigrateUpAsync());
        Assert.Equal(4, await conn.ExecuteScalarAsync<long>(BatchObjects));
    }
}
