using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Notifications;

/// <summary>
/// Claims outbox rows in batches (FOR UPDATE SKIP LOCKED, so any number of loops and instances
/// share the work), turns the whole batch into notifications and marks it processed, all in one
/// transaction: a crash before commit leaves the rows to be claimed again, and the idempotency keys
/// make a partial earlier attempt harmless. A batch that fails in the database is rolled back and
/// dispatched again row by row, each row under its own savepoint, so one poison row never blocks
/// the rest. One loop is woken at once by NOTIFY likeperson_outbox (polling as a
/// safety net), so in the usual trickle rows are dispatched one batch after another, in the order
/// they committed (a mentor's pause before their reactivation). A loop that claims a full batch
/// (a backlog: the nightly job's thousands of transitions) wakes a helper loop, up to
/// Notifications:DispatchConcurrency at once; helpers go back to sleep when batches are no
/// longer full. A failed row is retried with backoff and logged; it never touches the transition
/// that wrote it.
/// </summary>
public sealed class OutboxDispatcher(Db db, OutboxDispatch dispatch, NotificationWakeups wakeups, NotificationOptions options,
    ILogger<OutboxDispatcher> log, Operations.WorkMetrics? metrics = null) : BackgroundService
{
    private readonly Wakeup _backlog = new();

    protected override Task ExecuteAsync(CancellationToken ct) => !options.DispatcherEnabled ? Task.CompletedTask
        : Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.DispatchConcurrency))
            .Select(i => Task.Run(() => LoopAsync(primary: i == 0, ct), CancellationToken.None)));

    private async Task LoopAsync(bool primary, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var claimed = await DispatchBatchAsync(ct);
                metrics?.OutboxDispatched(claimed);
                if (primary ? claimed > 0 : claimed == options.DispatchBatchSize) continue;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "The outbox dispatcher failed; it tries again after the poll interval");
                try { await Task.Delay(options.PollInterval, ct); } catch (OperationCanceledException) { return; }
                continue;
            }
            try
            {
                if (primary) await wakeups.Outbox.WaitAsync(options.PollInterval, ct);
                else await _backlog.WaitAsync(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// One batch; returns how many outbox rows it claimed (0 = nothing due). Three round trips: claim, context, then
    /// create + mark + publish + COMMIT in one. The commit travels with the publish, which takes the organisation's stream
    /// counter, so the counter is released by the same round trip that took it, never held while this process gets round
    /// to sending COMMIT (on a busy machine that wait was the longest hold of the counter: bench scenario busyorg). If the
    /// batch fails in the database, its transaction is rolled back and the same rows are dispatched again one by one, each
    /// under its own savepoint.
    /// </summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct = default)
    {
        List<OutboxRow> claimed = [];
        try
        {
            return await db.AsWorkerCommittingInLastBatchAsync(async conn =>
            {
                claimed = await ClaimAsync(conn, null, ct);
                if (claimed.Count == options.DispatchBatchSize) _backlog.Signal(); // more is due: a helper takes the next batch meanwhile
                if (claimed.Count > 0) await DispatchTogetherAsync(conn, claimed, ct);
                else await Db.CommitAsync(conn, ct);
                return claimed.Count;
            }, ct);
        }
        catch (Exception e) when (claimed.Count > 0 && !ct.IsCancellationRequested)
        {
            log.LogInformation(e, "A dispatch batch of {Count} outbox rows failed; dispatching them one by one", claimed.Count);
            return await db.AsWorkerAsync(async conn =>
            {
                foreach (var row in await ClaimAsync(conn, claimed.Select(r => r.Id).ToArray(), ct))
                    await DispatchAloneAsync(conn, row, ct);
                return claimed.Count;
            }, ct);
        }
    }

    private async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection conn, long[]? only, CancellationToken ct) =>
        (await conn.QueryAsync<OutboxRow>(new CommandDefinition($"""
            SELECT id, organization_id, kind, payload::text AS payload, attempts, created_at FROM outbox
            WHERE processed_at IS NULL AND available_at <= now() {(only is null ? "" : "AND id = ANY(@only)")}
            ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED
            """, new { limit = options.DispatchBatchSize, only }, cancellationToken: ct))).ToList();

    /// <summary>Turns the claimed rows into notifications and commits the transaction, in its last batch.</summary>
    private async Task DispatchTogetherAsync(NpgsqlConnection conn, List<OutboxRow> rows, CancellationToken ct)
    {
        var drafted = await dispatch.DraftAsync(conn, rows, ct);
        foreach (var (row, e) in drafted.Failed) await RecordFailureAsync(conn, row, e);
        await using var batch = new NpgsqlBatch(conn);
        if (drafted.Drafts.Count > 0) batch.BatchCommands.Add(NotificationWriter.CreateCommand(drafted.Drafts, dispatch.Now));
        batch.BatchCommands.Add(Mark(drafted.Done.Select(d => d.Row.Row.Id).ToArray()));
        if (NotificationWriter.PublishCommand(drafted.Drafts) is { } publish) batch.BatchCommands.Add(publish); // it takes the stream counters
        batch.BatchCommands.Add(Db.CommitCommand()); // in the same round trip: the counters are released at once
        await batch.ExecuteNonQueryAsync(ct);
        dispatch.Warn(drafted);
    }

    private static NpgsqlBatchCommand Mark(long[] ids) =>
        new("UPDATE outbox SET processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1)") { Parameters = { new() { Value = ids } } };

    /// <summary>The fallback for one row: under its own savepoint, so the row that fails is retried later alone.</summary>
    private async Task DispatchAloneAsync(NpgsqlConnection conn, OutboxRow row, CancellationToken ct)
    {
        await conn.ExecuteAsync("SAVEPOINT dispatch_row");
        try
        {
            var created = await dispatch.DispatchAsync(conn, row, ct);
            await using (var mark = new NpgsqlBatch(conn) { BatchCommands = { Mark([row.Id]) } })
                await mark.ExecuteNonQueryAsync(ct);
            await NotificationWriter.PublishAsync(conn, created, ct);
            await conn.ExecuteAsync("RELEASE SAVEPOINT dispatch_row");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await conn.ExecuteAsync("ROLLBACK TO SAVEPOINT dispatch_row");
            await RecordFailureAsync(conn, row, e);
        }
    }

    private async Task RecordFailureAsync(NpgsqlConnection conn, OutboxRow row, Exception e)
    {
        var attempts = row.Attempts + 1;
        var giveUp = attempts >= options.MaxDispatchAttempts;
        await conn.ExecuteAsync("""
            UPDATE outbox SET attempts = @attempts, last_error = @error,
                   available_at = now() + make_interval(secs => least(600, power(2, @attempts))),
                   processed_at = CASE WHEN @giveUp THEN now() END
            WHERE id = @id
            """, new { id = row.Id, attempts, error = e.Message, giveUp });
        var (mentor, transition) = Describe(row);
        log.LogWarning(e, "Notification dispatch failed: mentor {MentorId}, transition {Transition}, outbox row {OutboxId}, attempt {Attempt}{GaveUp}, error {Error}",
            mentor, transition, row.Id, attempts, giveUp ? " (given up)" : "", e.Message);
    }

    /// <summary>Mentor and transition of a row for the log, even when its payload is what failed.</summary>
    private static (string Mentor, string Transition) Describe(OutboxRow row)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(row.Payload);
            var root = doc.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) ? v.ToString() : null;
            return (Text("mentor_id") ?? "unknown", Text("transition") ?? row.Kind);
        }
        catch (System.Text.Json.JsonException) { return ("unknown", row.Kind); }
    }
}
