using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Notifications;

/// <summary>
/// Claims outbox rows (FOR UPDATE SKIP LOCKED, so any number of instances share the work), turns
/// each into notifications and marks it processed, all in one transaction: a crash before commit
/// leaves the row to be claimed again, and the idempotency keys make a partial earlier attempt
/// harmless. Woken at once by NOTIFY likeperson_outbox, polling as a safety net. A failed row is
/// retried with backoff and logged; it never touches the transition that wrote it.
/// </summary>
public sealed class OutboxDispatcher(Db db, OutboxDispatch dispatch, NotificationWakeups wakeups, NotificationOptions options,
    ILogger<OutboxDispatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.DispatcherEnabled) return;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (await DispatchBatchAsync(ct) > 0) continue;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "The outbox dispatcher failed; it tries again after the poll interval");
                try { await Task.Delay(options.PollInterval, ct); } catch (OperationCanceledException) { return; }
                continue;
            }
            try { await wakeups.Outbox.WaitAsync(options.PollInterval, ct); } catch (OperationCanceledException) { return; }
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
        var created = new List<CreatedNotification>();
        foreach (var row in rows)
        {
            await conn.ExecuteAsync("SAVEPOINT dispatch");
            try
            {
                var made = await dispatch.DispatchAsync(conn, row, ct);
                await conn.ExecuteAsync("UPDATE outbox SET processed_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = @Id", row);
                await conn.ExecuteAsync("RELEASE SAVEPOINT dispatch");
                created.AddRange(made);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                await conn.ExecuteAsync("ROLLBACK TO SAVEPOINT dispatch");
                await RecordFailureAsync(conn, row, e);
            }
        }
        await NotificationWriter.PublishAsync(conn, created, ct); // last: it takes the stream counter lock
        return rows.Count;
    }, ct);

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
