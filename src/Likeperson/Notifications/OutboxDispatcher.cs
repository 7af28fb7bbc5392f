using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Notifications;

/// <summary>
/// Claims outbox rows in batches (FOR UPDATE SKIP LOCKED, so any number of loops and instances
/// share the work), turns the whole batch into notifications and marks it processed, all in one
/// transaction: a crash before commit leaves the rows to be claimed again, and the idempotency keys
/// make a partial earlier attempt harmless. A batch that fails in the database is rolled back to
/// its savepoint and dispatched row by row, each row under its own savepoint, so one poison row
/// never blocks the rest. One loop is woken at once by NOTIFY likeperson_outbox (polling as a
/// safety net), so in the usual trickle rows are dispatched one batch after another, in the order
/// they committed (a mentor's pause before their reactivation). A loop that claims a full batch
/// (a backlog: the nightly job's thousands of transitions) wakes a helper loop, up to
/// Notifications:DispatchConcurrency at once; helpers go back to sleep when batches are no
/// longer full. A failed row is retried with backoff and logged; it never touches the transition
/// that wrote it.
/// </summary>
public sealed class OutboxDispatcher(Db db, OutboxDispatch dispatch, NotificationWakeups wakeups, NotificationOptions options,
    ILogger<OutboxDispatcher> log) : BackgroundService
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

    /// <summary>One batch; returns how many outbox rows it claimed (0 = nothing due).</summary>
    public Task<int> DispatchBatchAsync(CancellationToken ct = default) => db.AsWorkerAsync(async conn =>
    {
        var rows = (await conn.QueryAsync<OutboxRow>(new CommandDefinition("""
            SELECT id, organization_id, kind, payload::text AS payload, attempts, created_at FROM outbox
            WHERE processed_at IS NULL AND available_at <= now()
            ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED
            """, new { limit = options.DispatchBatchSize }, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return 0;
        if (rows.Count == options.DispatchBatchSize) _backlog.Signal(); // more is due: a helper takes the next batch meanwhile
        var created = await DispatchAsync(conn, rows, ct);
        await NotificationWriter.PublishAsync(conn, created, ct); // last: it takes the stream counter locks
        return rows.Count;
    }, ct);

    private async Task<IReadOnlyList<CreatedNotification>> DispatchAsync(NpgsqlConnection conn, List<OutboxRow> rows, CancellationToken ct)
    {
        DispatchedBatch batch;
        await conn.ExecuteAsync("SAVEPOINT dispatch_batch");
        try
        {
            batch = await dispatch.DispatchManyAsync(conn, rows, ct);
            await conn.ExecuteAsync(new CommandDefinition(
                "UPDATE outbox SET processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY(@ids)",
                new { ids = batch.Done.Select(r => r.Id).ToArray() }, cancellationToken: ct));
            await conn.ExecuteAsync("RELEASE SAVEPOINT dispatch_batch");
        }
        catch (Exception e) when (!ct.IsCancellationRequested && rows.Count > 1)
        {
            await conn.ExecuteAsync("ROLLBACK TO SAVEPOINT dispatch_batch");
            log.LogInformation(e, "A dispatch batch of {Count} outbox rows failed; dispatching them one by one", rows.Count);
            return await OneByOneAsync(conn, rows, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await conn.ExecuteAsync("ROLLBACK TO SAVEPOINT dispatch_batch");
            batch = new([], [], [(rows[0], e)]);
        }
        foreach (var (row, e) in batch.Failed) await RecordFailureAsync(conn, row, e);
        return batch.Created;
    }

    /// <summary>The fallback: each row under its own savepoint, so the one that fails is retried later alone.</summary>
    private async Task<IReadOnlyList<CreatedNotification>> OneByOneAsync(NpgsqlConnection conn, List<OutboxRow> rows, CancellationToken ct)
    {
        var created = new List<CreatedNotification>();
        foreach (var row in rows)
            created.AddRange(await DispatchAsync(conn, [row], ct));
        return created;
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
