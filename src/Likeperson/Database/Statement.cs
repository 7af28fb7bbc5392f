using Dapper;

namespace Likeperson.Database;

/// <summary>
/// One or more SQL statements with their parameters and the reader of their results: a read a feature offers so that the
/// endpoint and a web page run it alike, and a page can send it in the same round trip as its own frame
/// (<see cref="Db.AsPersonAtOnceAsync{T}(Guid, Statement{T}, CancellationToken)"/>).
/// </summary>
public sealed record Statement<T>(string Sql, DynamicParameters Parameters, Func<BatchResults, Task<T>> Read)
{
    /// <summary>This statement, then <paramref name="next"/>, in one batch (parameter names must differ).</summary>
    public Statement<(T First, TNext Second)> Then<TNext>(Statement<TNext> next)
    {
        var parameters = new DynamicParameters(Parameters);
        parameters.AddDynamicParams(next.Parameters);
        return new Statement<(T, TNext)>($"{Sql};\n{next.Sql}", parameters, async results => (await Read(results), await next.Read(results)));
    }
}
