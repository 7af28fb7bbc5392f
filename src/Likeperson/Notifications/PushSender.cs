using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Notifications;

/// <summary>A push row claimed for sending, with its recipient's device tokens as of the claim.</summary>
public sealed class PushRow
{
    public Guid Id { get; init; }
    public Guid RecipientId { get; init; }
    public string Type { get; init; } = "";
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";
    public string Data { get; init; } = "{}";
    public int Attempts { get; init; }
    public Guid? MentorId { get; init; }
    public string? Transition { get; init; }
    public string[] Tokens { get; init; } = [];
}

/// <summary>What became of one push row; written back in batches.</summary>
public sealed record PushOutcome(Guid Id, NotificationStatus Status, string? Error, string[] UnregisteredTokens);

/// <summary>
/// Sends every `pending` push row, whoever created it (dispatcher, digest job), through FCM. A
/// claim leases the row (next_attempt_at = now + lease) in a short transaction; the HTTP calls run
/// outside any transaction, up to Push:Fcm:Concurrency rows at once; outcomes are written back
/// in batches. An instance that dies mid-send leaves the lease to expire, and another claim sends
/// again (at least once; MaxClaims bounds it). Woken by NOTIFY likeperson_push, polling as a net.
/// </summary>
public sealed class PushSender(Db db, FcmClient fcm, NotificationWakeups wakeups, PushOptions push, NotificationOptions options,
    ILogger<PushSender> log) : BackgroundService
{
    private const int MaxClaim = 200;
    private readonly SemaphoreSlim _slots = new(Math.Max(1, push.Fcm.Concurrency));
    private readonly Channel<PushOutcome> _outcomes = Channel.CreateUnbounded<PushOutcome>();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.SenderEnabled) return;
        var writing = Task.Run(WriteOutcomesAsync, CancellationToken.None);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _slots.WaitAsync(ct);
                var wanted = 1;
                while (wanted < MaxClaim && _slots.Wait(0)) wanted++;
                IReadOnlyList<PushRow> rows = [];
                try { rows = await ClaimAsync(wanted, ct); }
                catch (Exception e) when (!ct.IsCancellationRequested) { log.LogWarning(e, "Claiming push rows failed"); }
                finally { if (rows.Count < wanted) _slots.Release(wanted - rows.Count); }
                foreach (var row in rows)
                {
                    var sending = SendAsync(row, ct);
                    _inFlight[sending] = 0;
                    _ = sending.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
                }
                if (rows.Count < wanted) await wakeups.Push.WaitAsync(options.PollInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await Task.WhenAll(_inFlight.Keys); // cancelled sends end quickly; their leases give the rows back
        _outcomes.Writer.TryComplete();
        await writing;
    }

    /// <summary>Leases up to <paramref name="limit"/> due push rows to this sender.</summary>
    public Task<IReadOnlyList<PushRow>> ClaimAsync(int limit, CancellationToken ct = default) => db.AsWorkerAsync<IReadOnlyList<PushRow>>(async conn =>
        (await conn.QueryAsync<PushRow>(new CommandDefinition("""
            UPDATE notifications n SET attempts = n.attempts + 1, next_attempt_at = now() + @lease
            FROM (SELECT id FROM notifications
                  WHERE channel = 'push' AND status = 'pending' AND coalesce(next_attempt_at, '-infinity') <= now()
                  ORDER BY coalesce(next_attempt_at, '-infinity'), id LIMIT @limit FOR UPDATE SKIP LOCKED) due -- index notifications_push_queue
            WHERE n.id = due.id
            RETURNING n.id, n.recipient_id, n.type, n.title, n.body, n.data::text AS data, n.attempts, n.mentor_id,
                      (SELECT o.payload->>'transition' FROM outbox o WHERE o.id = n.outbox_id) AS transition,
                      coalesce((SELECT array_agg(d.token ORDER BY d.created_at) FROM devices d WHERE d.person_id = n.recipient_id), '{}') AS tokens
            """, new { limit, lease = push.Fcm.Lease }, cancellationToken: ct))).ToList(), ct);

    private async Task SendAsync(PushRow row, CancellationToken ct)
    {
        try
        {
            var outcome = await DeliverAsync(row, ct);
            if (outcome.Status != NotificationStatus.Sent)
                log.LogWarning("Push delivery failed: mentor {MentorId}, transition {Transition}, notification {NotificationId} ({Type}), status {Status}, error {Error}",
                    row.MentorId, row.Transition ?? row.Type, row.Id, row.Type, SnakeCase.Of(outcome.Status), outcome.Error);
            _outcomes.Writer.TryWrite(outcome);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* the lease expires and the row is sent again */ }
        catch (Exception e) { log.LogError(e, "Sending push notification {NotificationId} failed unexpectedly; it is retried after its lease", row.Id); }
        finally { _slots.Release(); }
    }

    private async Task<PushOutcome> DeliverAsync(PushRow row, CancellationToken ct)
    {
        if (row.Attempts > push.Fcm.MaxClaims)
            return new(row.Id, NotificationStatus.Failed, $"Given up: the send was interrupted {row.Attempts - 1} times.", []);
        if (row.Tokens.Length == 0)
            return new(row.Id, NotificationStatus.Undeliverable, "The recipient has no registered device.", []);
        var message = new PushMessage(row.Title, row.Body, StringData(row));
        var results = await Task.WhenAll(row.Tokens.Select(async t => (Token: t, Result: await fcm.SendAsync(t, message, ct))));
        var gone = results.Where(r => r.Result.Kind == PushResultKind.Unregistered).Select(r => r.Token).ToArray();
        var errors = string.Join("; ", results.Where(r => r.Result.Kind != PushResultKind.Sent)
            .Select(r => $"device …{r.Token[^Math.Min(6, r.Token.Length)..]}: {r.Result.Error}"));
        if (results.Any(r => r.Result.Kind == PushResultKind.Sent))
            return new(row.Id, NotificationStatus.Sent, errors.Length > 0 ? errors : null, gone);
        if (gone.Length == results.Length)
            return new(row.Id, NotificationStatus.Undeliverable, $"Every device token was unregistered (deleted): {errors}", gone);
        return new(row.Id, NotificationStatus.Failed, errors, gone);
    }

    /// <summary>FCM data values are strings; null becomes "". The app gets the row's id and type to report delivery.</summary>
    private static Dictionary<string, string> StringData(PushRow row)
    {
        var data = new Dictionary<string, string> { ["notification_id"] = row.Id.ToString(), ["type"] = row.Type };
        foreach (var p in JsonDocument.Parse(row.Data).RootElement.EnumerateObject())
            data[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.String => p.Value.GetString()!,
                _ => p.Value.GetRawText(),
            };
        return data;
    }

    private async Task WriteOutcomesAsync()
    {
        var reader = _outcomes.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<PushOutcome>();
            while (batch.Count < 500 && reader.TryRead(out var outcome)) batch.Add(outcome);
            try { await WriteAsync(batch); }
            catch (Exception e) { log.LogWarning(e, "Recording {Count} push outcomes failed; those rows are sent again after their lease", batch.Count); }
        }
    }

    /// <summary>A row the app already reported delivered/opened keeps that status; only sent_at and error are added.</summary>
    public Task WriteAsync(IReadOnlyList<PushOutcome> batch) => db.AsWorkerAsync(async conn =>
    {
        await conn.ExecuteAsync("""
            UPDATE notifications n
            SET status = CASE WHEN n.status = 'pending' THEN o.status ELSE n.status END, error = o.error, next_attempt_at = NULL,
                sent_at = CASE WHEN o.status = 'sent' THEN coalesce(n.sent_at, now()) ELSE n.sent_at END
            FROM unnest(@ids::uuid[], @statuses::text[], @errors::text[]) AS o(id, status, error)
            WHERE n.id = o.id AND n.status NOT IN ('failed', 'undeliverable');
            DELETE FROM devices WHERE token = ANY(@gone);
            """, new
        {
            ids = batch.Select(o => o.Id).ToArray(), statuses = batch.Select(o => SnakeCase.Of(o.Status)).ToArray(),
            errors = batch.Select(o => o.Error).ToArray(), gone = batch.SelectMany(o => o.UnregisteredTokens).Distinct().ToArray(),
        });
        return 0;
    });
}
