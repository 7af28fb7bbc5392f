using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>A database of the test class's own (cloned from the migrated template) without a server: for SQL-level tests.</summary>
public sealed class FoundationDatabase : IAsyncLifetime
{
    public DatabaseConnections Connections { get; private set; } = null!;
    public NpgsqlDataSource Worker { get; private set; } = null!;
    public World World => new(Worker);

    public async Task InitializeAsync()
    {
        Connections = await TestCluster.CreateDatabaseAsync();
        Worker = NpgsqlDataSource.Create(Connections.Worker);
    }

    public async Task DisposeAsync()
    {
        await Worker.DisposeAsync();
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Connections.Application)); // SqlAs's pooled connections
    }

    /// <summary>Runs SQL as the worker role (which has INSERT/UPDATE everywhere and bypasses RLS).</summary>
    public async Task<T> AsWorkerAsync<T>(Func<NpgsqlConnection, Task<T>> work)
    {
        await using var conn = await Worker.OpenConnectionAsync();
        return await work(conn);
    }

    /// <summary>Runs SQL as the application role with a person's identity set, as requests do.</summary>
    public Task<T> AsPersonAsync<T>(Guid personId, Func<NpgsqlConnection, Task<T>> work) =>
        SqlAs.PersonAsync(Connections, personId, work);
}
