using Likeperson.Database;
using Npgsql;

namespace Likeperson.Bench;

/// <summary>Where a scenario's databases come from: the bench's own cluster, or the tests' cluster in the quick-mode test.</summary>
public interface IBenchDatabases
{
    /// <summary>A fresh, migrated database (application, worker and owner connection strings).</summary>
    Task<DatabaseConnections> CreateDatabaseAsync();

    /// <summary>The cluster's data directory when known (for measuring PostgreSQL's CPU time).</summary>
    string? DataDirectory => null;
}

/// <summary>
/// One throwaway PostgreSQL cluster for a bench run (the server's own embedded mechanism: machine binaries, Unix socket,
/// fsync off because this measures the code, not the disk), with a migrated template that every scenario clones.
/// </summary>
public sealed class BenchCluster : IBenchDatabases, IAsyncDisposable
{
    private const string Template = "likeperson_bench_template";
    private readonly EmbeddedPostgres _cluster;
    private readonly string _dir;
    private int _counter;

    private BenchCluster(EmbeddedPostgres cluster, string dir) { _cluster = cluster; _dir = dir; }

    public static async Task<BenchCluster> StartAsync(string? directory = null)
    {
        var dir = directory ?? Path.Combine(Path.GetTempPath(), $"lp-bench-{Environment.ProcessId}");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var cluster = new EmbeddedPostgres(dir);
        await cluster.StartAsync(durable: false);
        var bench = new BenchCluster(cluster, dir);
        await ClusterSetup.EnsureRolesAndDatabaseAsync(bench.Superuser("postgres"), Template);
        await new Migrator(bench.Superuser(Template)).MigrateUpAsync();
        return bench;
    }

    public string? DataDirectory => _cluster.DataDirectory;

    public async Task<DatabaseConnections> CreateDatabaseAsync()
    {
        var name = $"bench_{Interlocked.Increment(ref _counter)}";
        await using var conn = new NpgsqlConnection(Superuser("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {Template}", conn);
        await cmd.ExecuteNonQueryAsync();
        return DatabaseConnections.ForSocket(_cluster.SocketDirectory, name) with { Owner = Superuser(name) };
    }

    public async Task<string> ServerVersionAsync()
    {
        await using var conn = new NpgsqlConnection(Superuser("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SHOW server_version", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private string Superuser(string database) =>
        new NpgsqlConnectionStringBuilder(DatabaseConnections.Build(_cluster.SocketDirectory, database, "postgres")) { Pooling = false }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _cluster.StopAsync(immediate: true);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } // best effort
    }
}
