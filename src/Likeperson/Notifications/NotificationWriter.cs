using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Likeperson.Notifications;

/// <summary>One notification row to create: one recipient (null = nobody could be told), one channel.</summary>
public sealed record NotificationDraft(
    Guid OrganizationId, Guid? RecipientId, NotificationType Type, NotificationChannel Channel, NotificationStatus Status,
    string Title, string Body, JsonObject Data, string IdempotencyKey,
    Guid? MentorId = null, Guid? PauseId = null, Guid? AssignmentId = null, long? OutboxId = null, string? Error = null)
{
    public Guid Id { get; } = Guid.CreateVersion7();
}

public sealed record CreatedNotification(Guid Id, Guid? RecipientId, NotificationChannel Channel, NotificationStatus Status);

/// <summary>
/// The one way notification rows come to exist (the outbox dispatcher and the pause-digest job
/// both use it): SQL notification_create per row (idempotent on the key), then
/// notification_publish for the in-app rows, as the last step of the caller's transaction.
/// </summary>
public sealed class NotificationWriter(PushOptions push)
{
    public bool PushEnabled => push.Enabled;

    /// <summary>The channels a choice means here: push only when a push provider is configured.</summary>
    public IEnumerable<NotificationChannel> Channels(ChannelChoice choice)
    {
        if (choice is ChannelChoice.InApp or ChannelChoice.Both) yield return NotificationChannel.InApp;
        if (choice is ChannelChoice.Push or ChannelChoice.Both && push.Enabled) yield return NotificationChannel.Push;
    }

    /// <summary>Creates the rows whose keys are new; rows that already exist (a retried dispatch) are skipped, not duplicated.</summary>
    public static async Task<IReadOnlyList<CreatedNotification>> CreateAsync(NpgsqlConnection conn, IReadOnlyList<NotificationDraft> drafts,
        CancellationToken ct = default)
    {
        if (drafts.Count == 0) return [];
        await using var batch = new NpgsqlBatch(conn);
        foreach (var d in drafts)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT notification_create($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)")
            {
                Parameters =
                {
                    new() { Value = d.Id }, new() { Value = d.OrganizationId }, new() { Value = (object?)d.RecipientId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                    new() { Value = SnakeCase.Of(d.Type) }, new() { Value = SnakeCase.Of(d.Channel) }, new() { Value = SnakeCase.Of(d.Status) },
                    new() { Value = d.Title }, new() { Value = d.Body }, new() { Value = d.Data.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb },
                    new() { Value = (object?)d.MentorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                    new() { Value = (object?)d.PauseId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                    new() { Value = (object?)d.AssignmentId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                    new() { Value = (object?)d.OutboxId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                    new() { Value = d.IdempotencyKey }, new() { Value = (object?)d.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                },
            });
        var created = new List<CreatedNotification>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var d in drafts)
        {
            await reader.ReadAsync(ct);
            if (!await reader.IsDBNullAsync(0, ct))
                created.Add(new(d.Id, d.RecipientId, d.Channel, d.Channel == NotificationChannel.InApp && d.Status == NotificationStatus.Pending
                    ? NotificationStatus.Sent : d.Status));
            await reader.NextResultAsync(ct);
        }
        return created;
    }

    /// <summary>Publishes notification.created for the in-app rows among them. Takes the stream lock: call it last.</summary>
    public static async Task PublishAsync(NpgsqlConnection conn, IEnumerable<CreatedNotification> created, CancellationToken ct = default)
    {
        var ids = created.Where(c => c.Channel == NotificationChannel.InApp && c.Status != NotificationStatus.Held).Select(c => c.Id).ToArray();
        if (ids.Length == 0) return;
        await using var cmd = new NpgsqlCommand("SELECT notification_publish($1)", conn) { Parameters = { new() { Value = ids } } };
        await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// For jobs (the daily pause digest): one notification to one recipient on the given channels,
    /// created and published in the caller's transaction (call it last). The key base makes a re-run
    /// harmless. Returns the in-app row's id (else the push row's): the digest_id of the held items.
    /// </summary>
    public async Task<Guid> CreateForRecipientAsync(NpgsqlConnection conn, Guid organizationId, Guid recipientId, NotificationType type,
        string title, string body, JsonObject data, string keyBase, ChannelChoice channels = ChannelChoice.Both, CancellationToken ct = default)
    {
        var drafts = Channels(channels).Select(c => new NotificationDraft(organizationId, recipientId, type, c, NotificationStatus.Pending,
            title, body, (JsonObject)data.DeepClone(), $"{keyBase}:{recipientId}:{SnakeCase.Of(c)}:{SnakeCase.Of(type)}")).ToList();
        if (drafts.Count == 0) throw new ArgumentException("No channel to deliver on.", nameof(channels));
        var created = await CreateAsync(conn, drafts, ct);
        await PublishAsync(conn, created, ct);
        await using var cmd = new NpgsqlCommand("SELECT id FROM notifications WHERE idempotency_key = $1", conn)
            { Parameters = { new() { Value = drafts[0].IdempotencyKey } } };
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
