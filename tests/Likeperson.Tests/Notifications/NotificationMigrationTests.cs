using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Notifications;

public sealed class NotificationMigrationTests
{
    private const string OwnObjects = """
        SELECT (SELECT count(*) FROM pg_proc WHERE proname IN ('notification_json', 'notification_create', 'notification_publish',
                  'notification_audience', 'device_register', 'notification_recipient_name'))
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
        Assert.Equal(7, await conn.ExecuteScalarAsync<long>(OwnObjects));

        await migrator.MigrateDownAsync(5);
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>(OwnObjects));

        Assert.Equal(Migrator.All.Count(m => m.Version > 5), await migrator.MigrateUpAsync());
        Assert.Equal(7, await conn.ExecuteScalarAsync<long>(OwnObjects));
    }
}
