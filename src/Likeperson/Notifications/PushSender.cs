using System.Threading.Channels;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Notifications;

/// <summary>A push row claimed for sending, with its recipient's device tokens and Web Push subscriptions as of the claim.</summary>
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
    /// <summary>The recipient's Web Push subscriptions, JSON [{id, endpoint, p256dh, auth}] as the claim read them.</summary>
    public string WebPush { get; init; } = "[]";

    public IReadOnlyList<WebPushTarget> Subscriptions =>
        System.Text.Json.JsonSerializer.Deserialize<List<WebPushTarget>>(WebPush, SnakeCase.Json) ?? [];
}

/// <summary>What became of one push row; written back in batches.</summary>
public sealed record PushOutcome(Guid Id, NotificationStatus Status, string? Error, string[] UnregisteredTokens, Guid[]? GoneSubscriptions = null);

/// <summary>
/// Sends every `pending` push row, whoever created it (dispatcher, digest job), to the recipient's FCM device tokens (when
/// Push:Provider is fcm) and Web Push subscriptions: one push channel, one delivery log. A
/// claim leases rows (next_attempt_at = now + lease) in a short transaction, many at a time: the
/// claimed rows wait in memory for one of Push:Fcm:Concurrency senders, and the queue is topped up
/// in one claim whenever it falls to half, so a backlog costs one claim per hundred-odd rows, not
/// one per row. The HTTP calls run outside any transaction; outcomes are written back in batches.
/// An instance that dies mid-send leaves the lease to expire, and another claim sends again (at
/// least once; MaxClaims bounds it); one that stops normally hands its unsent rows back at once.
/// Woken by NOTIFY likeperson_push, polling as a net.
/// </summary>
public sealed partial class PushSender(Db db, WebPushClient webPush, NotificationWakeups wakeups, PushOptions push, NotificationOptions options,
    ILogger<PushSender> log, TimeProvider clock, FcmClient? fcm = null) : BackgroundService
{
    private readonly int _senders = Math.Max(1, push.Fcm.Concurrency);
    private int Capacity => 4 * _senders; // claimed, not yet finished
    private int _held;
    private readonly Wakeup _room = new();
    private readonly Channel<PushRow> _queue = Channel.CreateUnbounded<PushRow>();
    private readonly Channel<PushOutcome> _outcomes = Channel.CreateUnbounded<PushOutcome>();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.SenderEnabled) return;
        var writing = Task.Run(WriteOutcomesAsync, CancellationToken.None);
        var senders = Enumerable.Range(0, _senders).Select(_ => Task.Run(() => SendLoopAsync(ct), CancellationToken.None)).ToArray();
        try { await ClaimLoopAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await Task.WhenAll(senders); // cancelled sends end quickly; their leases give the rows back
        await HandBackAsync();
        _outcomes.Writer.TryComplete();
        await writing;
    }

    private async Task ClaimLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var room = Capacity - Volatile.Read(ref _held);
            if (room < Capacity / 2)
            {
                await _room.WaitAsync(options.PollInterval, ct);
                continue;
            }
            IReadOnlyList<PushRow> rows = [];
            try { rows = await ClaimAsync(room, ct); }
            catch (Exception e) when (!ct.IsCancellationRequested) { log.LogWarning(e, "Claiming push rows failed"); }
            Interlocked.Add(ref _held, rows.Count);
            foreach (var row in rows) _queue.Writer.TryWrite(row);
            if (rows.Count < room) await wakeups.Push.WaitAsync(options.PollInterval, ct);
        }
    }

    private async Task SendLoopAsync(CancellationToken ct)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
                while (!ct.IsCancellationRequested && _queue.Reader.TryRead(out var row))
                {
                    await SendAsync(row, ct);
                    // Crossing down to half full: the claim loop tops the queue up.
                    if (Interlocked.Decrement(ref _held) == Capacity / 2) _room.Signal();
                }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>Rows claimed but never sent (the instance is stopping) are due again now, not after their lease.</summary>
    private async Task HandBackAsync()
    {
        var ids = new List<Guid>();
        while (_queue.Reader.TryRead(out var row)) ids.Add(row.Id);
        if (ids.Count == 0) return;
        try
        {
            await db.AsWorkerAsync(conn => conn.ExecuteAsync("""
                UPDATE notifications SET next_attempt_at = now(), attempts = attempts - 1 WHERE id = ANY(@ids) AND status = 'pending'
                """, new { ids = ids.ToArray() }));
        }
        catch (Exception e) { log.LogWarning(e, "Handing back {Count} unsent push rows failed; they are sent after their lease", ids.Count); }
    }

    /// <summary>
    /// Leases up to <paramref name="limit"/> due push rows to this sender; due by the application's clock, so a row held
    /// for quiet hours (next_attempt_at = their end) goes out when that clock reaches it.
    /// </summary>
    public Task<IReadOnlyList<PushRow>> ClaimAsync(int limit, CancellationToken ct = default) => db.AsWorkerAsync<IReadOnlyList<PushRow>>(async conn =>
        (await conn.QueryAsync<PushRow>(new CommandDefinition("""
            UPDATE notifications n SET attempts = n.attempts + 1, next_attempt_at = @now + @lease
            FROM (SELECT id FROM notifications
                  WHERE channel = 'push' AND status = 'pending' AND coalesce(next_attempt_at, '-infinity') <= @now
                  ORDER BY coalesce(next_attempt_at, '-infinity'), id LIMIT @limit FOR UPDATE SKIP LOCKED) due -- index notifications_push_queue
            WHERE n.id = due.id
            RETURNING n.id, n.recipient_id, n.type, n.title, n.body, n.data::text AS data, n.attempts, n.mentor_id,
                      (SELECT o.payload->>'transition' FROM outbox o WHERE o.id = n.outbox_id) AS transition,
                      coalesce((SELECT array_agg(d.token ORDER BY d.created_at) FROM devices d WHERE d.person_id = n.recipient_id), '{}') AS tokens,
                      coalesce((SELECT json_agg(json_build_object('id', w.id, 'endpoint', w.endpoint, 'p256dh', w.p256dh, 'auth', w.auth) ORDER BY w.created_at)
                                FROM web_push_subscriptions w WHERE w.person_id = n.recipient_id), '[]')::text AS web_push
            """, new { limit, lease = push.Fcm.Lease, now = clock.GetUtcNow().ToUniversalTime() }, cancellationToken: ct))).ToList(), ct);
}
