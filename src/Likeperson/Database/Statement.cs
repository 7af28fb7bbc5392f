using Dapper;

namespace Likeperson.Database;

/// <summary>
/// One or more SQL statements with their parameters and the reader of their results: a read a feature offers so that the
/// endpoint and a web page run it alike, and a page can send it in the same round trip as its own frame
/// (<see cref="Db.AsPersonAtOnceAsync{T}(Guid, Statement{T}, CancellationToken)"/>).
/// </summary>
public sealed record Statement<T>(string Sql, DynamicParameters Parameters, Func<BatchResults, Task<T>> Read);
