using Likeperson.Database;
using Npgsql;

namespace Likeperson.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster per test run (the same embedded mechanism the server uses),
/// with a migrated template database; every test class gets its own cheap clone of it.
/// </summary>
public static class TestCluster
{
    public const string Template = "likeperson_template";
    private static readonly SemaphoreSlim CloneLock = new(1, 1);
    private static readonly Lazy<Task<EmbeddedPostgres>> Cluster = new(StartAsync);
    private static int _counter;

    public static async Task<DatabaseConnections> CreateDatabaseAsync()
    {
        var cluster = await Cluster.Value;
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await CloneLock.WaitAsync(); // CREATE DATABASE ... TEMPLATE refuses concurrent copies of one template
        try
        {
            await using var conn = new NpgsqlConnection(Superuser(cluster, "postgres"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {Template}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        finally { CloneLock.Release(); }
        return DatabaseConnections.ForSocket(cluster.SocketDirectory, name) with { Owner = Superuser(cluster, name) };
    }

    /// <summary>An empty (unmigrated) database, for migration tests.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync()
    {
        var cluster = await Cluster.Value;
        var name = $"e{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await using var conn = new NpgsqlConnection(Superuser(cluster, "postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return Superuser(cluster, name);
    }

    /// <summary>The shared throwaway cluster itself (for tests of the embedded mechanism).</summary>
    public static Task<EmbeddedPostgres> ClusterAsync() => Cluster.Value;

    public static string Superuser(EmbeddedPostgres cluster, string database) =>
        new NpgsqlConnectionStringBuilder(DatabaseConnections.Build(cluster.SocketDirectory, database, "postgres")) { Pooling = false }.ConnectionString;

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lp-tests-{Environment.ProcessId}");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var cluster = new EmbeddedPostgres(dir);
        await cluster.StartAsync(durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                cluster.StopAsync(immediate: true).GetAwaiter().GetResult();
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception) { /* best effort at process exit */ }
        };
        await ClusterSetup.EnsureRolesAndDatabaseAsync(Superuser(cluster, "postgres"), Template);
        await new Migrator(Superuser(cluster, Template)).MigrateUpAsync();
        return cluster;
    }
}
