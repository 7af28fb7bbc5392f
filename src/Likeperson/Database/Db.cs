using System.Data;
using Dapper;
using Npgsql;

namespace Likeperson.Database;

/// <summary>
/// The two ways into the database. <see cref="AsPersonAsync{T}"/> is how requests run: one
/// transaction as the application role, with the caller's identity set first so that row-level
/// security applies to every statement. <see cref="AsWorkerAsync{T}"/> is for background work and
/// system-admin setup, as the explicitly privileged worker role.
/// </summary>
public sealed class Db(AppDataSource app, WorkerDataSource worker) : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The pools are handed to the container as instances, which it never disposes; Db is created by
    /// the container, so disposing it with the host closes the pooled connections at shutdown
    /// (otherwise each stopped instance, e.g. every test server, keeps them open for minutes).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await app.Source.DisposeAsync();
        await worker.Source.DisposeAsync();
    }

    public void Dispose()
    {
        app.Source.Dispose();
        worker.Source.Dispose();
    }

    public NpgsqlDataSource App => app.Source;
    public NpgsqlDataSource Worker => worker.Source;

    public async Task<T> AsPersonAsync<T>(Guid personId, Func<Session, Task<T>> work, CancellationToken ct = default)
    {
        await using var conn = await app.Source.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var caller = await LoadCallerAsync(conn, personId, ct);
        var result = await work(new Session(conn, caller));
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// One round trip, one transaction: the caller's identity and <paramref name="sql"/> (one or more statements) go to
    /// PostgreSQL as one batch, which it runs as one implicit transaction (committed when the last statement succeeds,
    /// all rolled back if one fails). For work that needs nothing from C# between statements, such as a transition
    /// function, which checks the caller itself, followed by the read of its result. <paramref name="read"/> gets the
    /// statements' results (the identity's is consumed).
    /// </summary>
    /// <remarks>
    /// Read through <see cref="BatchResults"/>, not Dapper's GridReader: disposing a GridReader with a result left unread
    /// (as after a refused transition) calls DbCommand.Cancel(). Npgsql then sends PostgreSQL a cancel request (a new
    /// connection, opened synchronously on a pool thread) for a batch that has already ended, and arms the connection's
    /// read-cancellation timer (CancellationTimeout, 2 s). Under load that timer fired during the next request on the
    /// pooled connection, which took it for its own read timeout, cancelled its own statement and failed with
    /// "Timeout during reading attempt" (a 500).
    /// </remarks>
    public async Task<T> AsPersonAtOnceAsync<T>(Guid personId, string sql, DynamicParameters parameters,
        Func<BatchResults, Task<T>> read, CancellationToken ct = default)
    {
        await using var conn = await app.Source.OpenConnectionAsync(ct);
        parameters.Add("app_person_id", personId.ToString());
        return await BatchResults.QueryAsync(conn, new CommandDefinition(
            $"SELECT set_config('app.person_id', @app_person_id, true);\n{sql}", parameters, cancellationToken: ct), async results =>
        {
            await results.SkipAsync(); // the identity
            return await read(results);
        });
    }

    /// <summary>Runs a feature's <see cref="Statement{T}"/> as <paramref name="personId"/>, in one round trip.</summary>
    public Task<T> AsPersonAtOnceAsync<T>(Guid personId, Statement<T> statement, CancellationToken ct = default) =>
        AsPersonAtOnceAsync(personId, statement.Sql, new DynamicParameters(statement.Parameters), statement.Read, ct);

    public async Task<T> AsWorkerAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct = default,
        IsolationLevel isolation = IsolationLevel.ReadCommitted)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(isolation, ct);
        var result = await work(conn);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// As <see cref="AsWorkerAsync{T}"/>, for work that ends its transaction itself: its last batch ends with
    /// <see cref="CommitCommand"/> (or it calls <see cref="CommitAsync"/>), so COMMIT rides in the round trip that made
    /// the last writes and the locks they took are released by it, not one round trip later. BEGIN and COMMIT are sent as
    /// statements (an NpgsqlTransaction's commit is always a round trip of its own). A failure rolls back.
    /// </summary>
    public async Task<T> AsWorkerCommittingInLastBatchAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct = default)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        await BareAsync(conn, "BEGIN", ct);
        try
        {
            return await work(conn);
        }
        catch
        {
            // A no-op (a server warning) if the failure came after the COMMIT went through.
            if (conn.State == ConnectionState.Open) await BareAsync(conn, "ROLLBACK", CancellationToken.None);
            throw;
        }
    }

    /// <summary>The COMMIT that ends the last batch of <see cref="AsWorkerCommittingInLastBatchAsync{T}"/>'s work.</summary>
    public static NpgsqlBatchCommand CommitCommand() => new("COMMIT");

    /// <summary>COMMIT on its own, for a path of that work with no batch to carry it.</summary>
    public static Task CommitAsync(NpgsqlConnection conn, CancellationToken ct) => BareAsync(conn, "COMMIT", ct);

    /// <summary>A bare statement (Dapper would take a single word for a procedure to CALL).</summary>
    private static async Task BareAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Sets the identity for RLS and reads the caller's organisation and roles, in one round trip.</summary>
    private static async Task<Caller?> LoadCallerAsync(NpgsqlConnection conn, Guid personId, CancellationToken ct)
    {
        const string callerSql = """
            SELECT p.id, p.organization_id, p.org_admin,
                   coalesce(array_agg(m.chapter_id) FILTER (WHERE m.role = 'coordinator'), '{}'),
                   coalesce(array_agg(m.chapter_id) FILTER (WHERE m.role = 'peer_mentor'), '{}')
            FROM people p LEFT JOIN chapter_memberships m ON m.person_id = p.id
            WHERE p.id = $1
            GROUP BY p.id
            """;
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT set_config('app.person_id', $1::text, true)") { Parameters = { new() { Value = personId } } },
                new NpgsqlBatchCommand(callerSql) { Parameters = { new() { Value = personId } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new Caller(reader.GetGuid(0), reader.GetGuid(1), reader.GetBoolean(2),
            reader.GetFieldValue<Guid[]>(3), reader.GetFieldValue<Guid[]>(4));
    }
}

/// <summary>A request's open transaction and who is asking (null when the token's subject is no person here).</summary>
public sealed record Session(NpgsqlConnection Connection, Caller? Caller)
{
    public Caller Person => Caller ?? throw new ApiException(404, "not_found", "No such person in any organisation.");
}

/// <summary>The caller as the database knows them, read afresh on every request (never from token claims).</summary>
public sealed record Caller(Guid PersonId, Guid OrganizationId, bool OrgAdmin, Guid[] CoordinatedChapters, Guid[] MentoredChapters)
{
    public bool Coordinates(IEnumerable<Guid> chapterIds) => chapterIds.Any(c => CoordinatedChapters.Contains(c));
    public bool IsCoordinator => CoordinatedChapters.Length > 0;
}

public sealed record AppDataSource(NpgsqlDataSource Source);
public sealed record WorkerDataSource(NpgsqlDataSource Source);
