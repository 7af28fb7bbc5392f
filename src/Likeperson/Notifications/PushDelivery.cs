using System.Text.Json;
using Dapper;

namespace Likeperson.Notifications;

/// <summary>One row's delivery to its recipient's devices and browsers, and the outcomes written back in batches.</summary>
public sealed partial class PushSender
{
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
    }

    /// <summary>
    /// Every target of the recipient at once: sent when any accepted it, undeliverable when there is none or every one is
    /// gone (unregistered tokens and 404/410 subscriptions are deleted), failed otherwise.
    /// </summary>
    private async Task<PushOutcome> DeliverAsync(PushRow row, CancellationToken ct)
    {
        if (row.Attempts > push.Fcm.MaxClaims)
            return new(row.Id, NotificationStatus.Failed, $"Given up: the send was interrupted {row.Attempts - 1} times.", []);
        var tokens = fcm is null ? [] : row.Tokens; // Push:Provider none: FCM tokens are not used
        var subscriptions = row.Subscriptions;
        if (tokens.Length == 0 && subscriptions.Count == 0)
            return new(row.Id, NotificationStatus.Undeliverable, "The recipient has no registered device.", []);
        var message = new PushMessage(row.Title, row.Body, StringData(row));
        var payload = subscriptions.Count > 0 ? WebPushPayload.For(row) : "";
        var urgent = CriticalTypes.Includes(row.Type);
        var results = await Task.WhenAll(
            tokens.Select(async t => new TargetResult($"device …{t[^Math.Min(6, t.Length)..]}", t, null, await fcm!.SendAsync(t, message, ct)))
                .Concat(subscriptions.Select(async s => new TargetResult($"browser {s.Id}", null, s.Id, await webPush.SendAsync(s, payload, urgent, ct)))));
        var gone = results.Where(r => r.Result.Kind == PushResultKind.Unregistered).ToList();
        var goneTokens = gone.Where(r => r.Token is not null).Select(r => r.Token!).ToArray();
        var goneSubscriptions = gone.Where(r => r.Subscription is not null).Select(r => r.Subscription!.Value).ToArray();
        var errors = string.Join("; ", results.Where(r => r.Result.Kind != PushResultKind.Sent).Select(r => $"{r.Label}: {r.Result.Error}"));
        if (results.Any(r => r.Result.Kind == PushResultKind.Sent))
            return new(row.Id, NotificationStatus.Sent, errors.Length > 0 ? errors : null, goneTokens, goneSubscriptions);
        if (gone.Count == results.Length)
            return new(row.Id, NotificationStatus.Undeliverable, $"Every device token and browser subscription was unregistered (deleted): {errors}", goneTokens, goneSubscriptions);
        return new(row.Id, NotificationStatus.Failed, errors, goneTokens, goneSubscriptions);
    }

    private sealed record TargetResult(string Label, string? Token, Guid? Subscription, PushResult Result);

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
            DELETE FROM web_push_subscriptions WHERE id = ANY(@goneSubscriptions);
            """, new
        {
            ids = batch.Select(o => o.Id).ToArray(), statuses = batch.Select(o => SnakeCase.Of(o.Status)).ToArray(),
            errors = batch.Select(o => o.Error).ToArray(), gone = batch.SelectMany(o => o.UnregisteredTokens).Distinct().ToArray(),
            goneSubscriptions = batch.SelectMany(o => o.GoneSubscriptions ?? []).Distinct().ToArray(),
        });
        return 0;
    });
}
