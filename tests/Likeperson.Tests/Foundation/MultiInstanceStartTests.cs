using System.Text.Json;
using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// Several instances started at the same moment against one fresh database, migrating as the owner through a pooled
/// connection string (as an operator writes one): the migration lock goes with the migration's own connection, so
/// each instance takes its turn and every migration is applied exactly once.
/// </summary>
public sealed class MultiInstanceStartTests
{
    [Fact]
    public async Task ThreeInstancesAtOnce_PooledOwnerConnection_AllReadyAndEveryMigrationAppliedOnce()
    {
        var empty = await TestCluster.CreateEmptyDatabaseAsync();
        var owner = new NpgsqlConnectionStringBuilder(empty) { Pooling = true }.ConnectionString;
        var database = new NpgsqlConnectionStringBuilder(empty).Database!;
        var socket = new NpgsqlConnectionStringBuilder(empty).Host!;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Likeperson"] = DatabaseConnections.Build(socket, database, DatabaseConnections.AppRole),
            ["ConnectionStrings:LikepersonWorker"] = DatabaseConnections.Build(socket, database, DatabaseConnections.WorkerRole),
            ["ConnectionStrings:LikepersonOwner"] = owner,
            ["Auth:JwtSecret"] = TestServer.JwtSecret, ["Jobs:Schedule:Enabled"] = "false", ["Logging:LogLevel:Default"] = "Warning",
        };
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builds = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            var app = await LikepersonApp.BuildAsync(["--urls", "http://127.0.0.1:0", "--environment", "Testing"],
                b => b.Configuration.AddInMemoryCollection(settings));
            await app.StartAsync();
            return app;
        })).ToArray();
        start.SetResult();
        var apps = new List<WebApplication>();
        try
        {
            var finished = Task.WhenAll(builds);
            Assert.True(await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(60))) == finished, "the instances did not all start within 60 s");
            apps.AddRange(await finished);

            foreach (var app in apps)
            {
                using var http = new HttpClient(new NoServerErrors()) { BaseAddress = TestServer.AddressOf(app) };
                var ready = await (await http.GetAsync("/readyz")).ReadAsync<JsonElement>();
                Assert.Equal("ready", ready.GetProperty("status").GetString()); // ready: the schema is at this build's version
            }
            await using var conn = new NpgsqlConnection(empty);
            var applied = (await conn.QueryAsync<(int Version, int Count)>(
                "SELECT version, count(*)::int FROM schema_migrations GROUP BY version ORDER BY version")).ToList();
            Assert.Equal(Migrator.All.Select(m => (m.Version, 1)), applied);
            // Nobody holds the migration lock any more (it left with the migrations' connections).
            Assert.Equal(0L, await conn.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
        }
        finally
        {
            foreach (var app in apps.Concat(builds.Where(b => b.IsCompletedSuccessfully).Select(b => b.Result)).Distinct())
            {
                var pools = new[] { app.Services.GetRequiredService<AppDataSource>().Source, app.Services.GetRequiredService<WorkerDataSource>().Source };
                await app.StopAsync();
                await app.DisposeAsync();
                foreach (var pool in pools) await pool.DisposeAsync();
            }
            NpgsqlConnection.ClearPool(new NpgsqlConnection(owner));
        }
    }
}
