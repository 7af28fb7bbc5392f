using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// Writes outbox rows exactly as the transition functions do (enqueue_outbox as the worker role,
/// payloads per contracts.md), and reads back what the notification feature made of them.
/// </summary>
public sealed class Outbox(NpgsqlDataSource worker)
{
    public async Task<long> StatusChangedAsync(Guid org, Guid mentor, string transition, string previous, string next,
        Guid? actor, Guid? pauseId = null, string? reason = null, string? kind = null, int? priorPauseDays = null,
        string displayName = "Mentor A", string? expectedReturnDate = null)
    {
        var payload = new JsonObject
        {
            ["transition"] = transition, ["mentor_id"] = mentor.ToString(), ["mentor_display_name"] = displayName,
            ["previous_status"] = previous, ["new_status"] = next, ["kind"] = kind, ["reason"] = reason,
            ["expected_return_date"] = expectedReturnDate, ["actor_id"] = actor?.ToString(), ["pause_id"] = pauseId?.ToString(),
            ["prior_pause_days"] = priorPauseDays, ["occurred_at"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"),
        };
        return await EnqueueAsync(org, "mentor_status_changed", payload);
    }

    public async Task<long> EnqueueAsync(Guid org, string kind, JsonObject payload)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT enqueue_outbox(@org, @kind, @payload::jsonb)",
            new { org, kind, payload = payload.ToJsonString() });
    }

    /// <summary>A live pause record (the dispatcher links notifications to it, and the pause log reads them by it).</summary>
    public async Task<Guid> PauseRecordAsync(Guid org, Guid mentor, string kind = "voluntary", string? reason = null, int daysAgo = 0)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, paused_at)
            VALUES (@mentor, @org, CASE WHEN @kind = 'certification_expired' THEN 'expired_cert' ELSE 'paused' END, @kind, @reason,
                    now() - make_interval(days => @daysAgo))
            RETURNING id
            """, new { org, mentor, kind, reason, daysAgo });
    }

    public async Task<List<NotificationRow>> NotificationsOfAsync(long outboxId)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return (await conn.QueryAsync<NotificationRow>(
            $"SELECT {NotificationRow.Columns} FROM notifications WHERE outbox_id = @outboxId ORDER BY type, recipient_id, channel",
            new { outboxId })).ToList();
    }

    public async Task<bool> ProcessedAsync(long outboxId)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<bool>("SELECT processed_at IS NOT NULL FROM outbox WHERE id = @outboxId", new { outboxId });
    }

    /// <summary>Waits until the outbox row is processed and its push rows (if any) have left `pending`.</summary>
    public async Task<List<NotificationRow>> SettledAsync(long outboxId)
    {
        List<NotificationRow> rows = [];
        await Eventually.TrueAsync(async () =>
        {
            if (!await ProcessedAsync(outboxId)) return false; // first: its notifications commit with the mark
            rows = await NotificationsOfAsync(outboxId);
            return rows.All(r => r.Status != "pending");
        }, $"outbox row {outboxId} to be dispatched and its push rows sent");
        return rows;
    }
}

public sealed class NotificationRow
{
    public const string Columns = "id, recipient_id, type, channel, status, title, body, data::text AS data, mentor_id, pause_id, error, attempts, idempotency_key";
    public Guid Id { get; init; }
    public Guid? RecipientId { get; init; }
    public string Type { get; init; } = "";
    public string Channel { get; init; } = "";
    public string Status { get; init; } = "";
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";
    public string Data { get; init; } = "{}";
    public Guid? MentorId { get; init; }
    public Guid? PauseId { get; init; }
    public string? Error { get; init; }
    public int Attempts { get; init; }
    public string IdempotencyKey { get; init; } = "";

    public JsonObject DataJson => JsonNode.Parse(Data)!.AsObject();
    public override string ToString() => $"{Type}/{Channel}/{Status} to {RecipientId}";
}

public static class Eventually
{
    /// <summary>Polls a condition that background work makes true; fails with the description after a generous limit.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
