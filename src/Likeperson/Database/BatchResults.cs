using System.Data.Common;
using Dapper;

namespace Likeperson.Database;

/// <summary>
/// The results of a batch's statements, read in order and mapped as Dapper maps rows. The one way this code reads a
/// multi-statement batch, instead of Dapper's GridReader: disposing a GridReader with a result left unread (after an
/// error or an early exit such as a 404) calls DbCommand.Cancel(), which makes Npgsql send PostgreSQL a cancel request
/// for a batch that has already ended and arm the pooled connection's read-cancellation timer, which later broke an
/// unrelated request (see <see cref="Db.AsPersonAtOnceAsync{T}"/>). Disposing the reader underneath instead just reads
/// the rest of the batch's answer.
/// </summary>
public sealed class BatchResults(DbDataReader reader, CancellationToken ct)
{
    private bool _started;

    /// <summary>Runs <paramref name="command"/> (one or more statements) and hands its results to <paramref name="read"/>.</summary>
    public static async Task<T> QueryAsync<T>(DbConnection conn, CommandDefinition command, Func<BatchResults, Task<T>> read)
    {
        await using var reader = await conn.ExecuteReaderAsync(command);
        return await read(new BatchResults(reader, command.CancellationToken));
    }

    /// <summary>The next statement's rows (an error that statement raised is thrown here).</summary>
    public async Task<List<T>> ReadAsync<T>()
    {
        await SkipAsync();
        var rows = new List<T>();
        if (reader.FieldCount == 0) return rows;
        var parse = reader.GetRowParser<T>();
        while (await reader.ReadAsync(ct)) rows.Add(parse(reader));
        return rows;
    }

    /// <summary>Moves to the next statement's result without reading it (its error, if it raised one, is thrown here).</summary>
    public async Task SkipAsync()
    {
        if (_started && !await reader.NextResultAsync(ct))
            throw new InvalidOperationException("The batch has no more results.");
        _started = true;
    }

    public async Task<T> ReadSingleAsync<T>() => await ReadSingleOrDefaultAsync<T>() is { } row
        ? row : throw new InvalidOperationException("The statement returned no row.");

    public async Task<T?> ReadSingleOrDefaultAsync<T>() => await ReadAsync<T>() switch
    {
        [] => default,
        [var row] => row,
        _ => throw new InvalidOperationException("The statement returned more than one row."),
    };
}
