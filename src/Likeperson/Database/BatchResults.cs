using System.Data.Common;
using Dapper;

namespace Likeperson.Database;

/// <summary>
/// The results of a batch's statements, read in order and mapped as Dapper maps rows. Like Dapper's GridReader, without
/// what its disposal does when a result is left unread (after an error or an early exit): DbCommand.Cancel(), which makes
/// Npgsql send PostgreSQL a cancel request for a batch that has already ended (see <see cref="Db.AsPersonAtOnceAsync{T}"/>).
/// Disposing the reader underneath instead just reads the rest of the batch's answer.
/// </summary>
public sealed class BatchResults(DbDataReader reader, CancellationToken ct)
{
    /// <summary>The next statement's rows (an error that statement raised is thrown here).</summary>
    public async Task<List<T>> ReadAsync<T>()
    {
        if (!await reader.NextResultAsync(ct))
            throw new InvalidOperationException("The batch has no more results.");
        var rows = new List<T>();
        if (reader.FieldCount == 0) return rows;
        var parse = reader.GetRowParser<T>();
        while (await reader.ReadAsync(ct)) rows.Add(parse(reader));
        return rows;
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
