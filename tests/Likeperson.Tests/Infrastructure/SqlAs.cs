using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Tests.Infrastructure;

/// <summary>SQL-level tests: a transaction as the application role with a person's identity set, as requests run.</summary>
public static class SqlAs
{
    public static async Task<T> PersonAsync<T>(DatabaseConnections db, Guid? personId, Func<NpgsqlConnection, Task<T>> work)
    {
        await using var conn = new NpgsqlConnection(db.Application);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("SELECT set_config('app.person_id', @id, true)", new { id = personId?.ToString() ?? "" });
        var result = await work(conn);
        await tx.CommitAsync();
        return result;
    }

    public static async Task<T> WorkerAsync<T>(DatabaseConnections db, Func<NpgsqlConnection, Task<T>> work)
    {
        await using var conn = new NpgsqlConnection(db.Worker);
        await conn.OpenAsync();
        return await work(conn);
    }
}
