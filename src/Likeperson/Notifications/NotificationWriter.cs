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

public sealed record CreatedNotification(Guid Id, Guid? RecipientId, NotificationChannel Channel, NotificationStatus Status, Guid OrganizationId);

/// <summary>
/// The one way notification rows come to exist (the outbox dispatcher and the pause-digest job
/// both use it): SQL notification_create_many (idempotent on the key), then
/// notification_publish for the in-app rows, as the last step of the caller's transaction. The rows are created for
/// the application's clock's now (<see cref="Now"/>): a push row whose recipient is in quiet hours then waits for their end.
/// </summary>
public sealed class NotificationWriter(PushOptions push, TimeProvider clock)
{
    /// <summary>The moment notifications are created for (quiet hours are decided against it).</summary>
    public DateTimeOffset Now => clock.GetUtcNow().ToUniversalTime();

    /// <summary>
    /// The channels a choice means for a recipient: push only where it can go, through FCM (when it is the push provider)
    /// or to the recipient's browsers (Web Push, whatever the provider).
    /// </summary>
    public IEnumerable<NotificationChannel> Channels(ChannelChoice choice, bool hasWebPush)
    {
        if (choice is ChannelChoice.InApp or ChannelChoice.Both) yield return NotificationChannel.InApp;
        if (choice is ChannelChoice.Push or ChannelChoice.Both && (push.Enabled || hasWebPush)) yield return NotificationChannel.Push;
    }

    /// <summary>
    /// Creates the rows whose keys are new, all in one statement; rows that already exist (a retried
    /// dispatch) are skipped, not duplicated. Returns the new ones in the order given.
    /// </summary>
    public static Task<IReadOnlyList<CreatedNotification>> CreateAsync(NpgsqlConnection conn, IReadOnlyList<NotificationDraft> drafts,
        CancellationToken ct = default) => CreateAsync(conn, drafts, null, ct);

    /// <summary>As above, for the moment <paramref name="at"/> (null: the database's now).</summary>
    public static async Task<IReadOnlyList<CreatedNotification>> CreateAsync(NpgsqlConnection conn, IReadOnlyList<NotificationDraft> drafts,
        DateTimeOffset? at, CancellationToken ct = default)
    {
        if (drafts.Count == 0) return [];
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { CreateCommand(drafts, at) } };
        var fresh = new HashSet<Guid>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                fresh.Add(reader.GetGuid(0));
        return drafts.Where(d => fresh.Contains(d.Id)).Select(d => new CreatedNotification(d.Id, d.RecipientId, d.Channel,
            d.Channel == NotificationChannel.InApp && d.Status == NotificationStatus.Pending ? NotificationStatus.Sent : d.Status,
            d.OrganizationId)).ToList();
    }

    /// <summary>
    /// SQL notification_create_many for the drafts (one statement; returns the ids of the rows it created), created for the
    /// moment <paramref name="at"/> (null: the database's now): a pending push row to someone in quiet hours then waits.
    /// </summary>
    public static NpgsqlBatchCommand CreateCommand(IReadOnlyList<NotificationDraft> drafts, DateTimeOffset? at = null)
    {
        T[] Column<T>(Func<NotificationDraft, T> pick) => drafts.Select(pick).ToArray();
        return new NpgsqlBatchCommand("SELECT notification_create_many($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)")
        {
            Parameters =
            {
                new() { Value = Column(d => d.Id) }, new() { Value = Column(d => d.OrganizationId) },
                new() { Value = Column(d => d.RecipientId), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = Column(d => SnakeCase.Of(d.Type)) }, new() { Value = Column(d => SnakeCase.Of(d.Channel)) },
                new() { Value = Column(d => SnakeCase.Of(d.Status)) }, new() { Value = Column(d => d.Title) }, new() { Value = Column(d => d.Body) },
                new() { Value = Column(d => d.Data.ToJsonString()), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                new() { Value = Column(d => d.MentorId), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = Column(d => d.PauseId), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = Column(d => d.AssignmentId), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = Column(d => d.OutboxId), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
                new() { Value = Column(d => d.IdempotencyKey) },
                new() { Value = Column(d => d.Error), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = at is { } t ? t : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };
    }

    /// <summary>
    /// Publishes notification.created for those of them that SQL's notification_published says reach the stream.
    /// Takes the stream lock: call it last.
    /// </summary>
    public static async Task PublishAsync(NpgsqlConnection conn, IEnumerable<CreatedNotification> created, CancellationToken ct = default)
    {
        var ids = created.OrderBy(c => c.OrganizationId).Select(c => c.Id).ToArray();
        if (ids.Length == 0) return;
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { PublishCommand(ids) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// SQL notification_publish for the drafts, to run in the same batch as their CreateCommand; SQL's
    /// notification_published picks the rows that reach the stream, and a draft whose key already existed made no row of
    /// its id, so nothing is published for it. Null when there are no drafts.
    /// </summary>
    public static NpgsqlBatchCommand? PublishCommand(IEnumerable<NotificationDraft> drafts)
    {
        var ids = drafts.OrderBy(d => d.OrganizationId).Select(d => d.Id).ToArray();
        return ids.Length == 0 ? null : PublishCommand(ids);
    }

    // Organisation by organisation in one order (the callers sort): concurrent dispatchers take the
    // stream counters in the same order, so they wait for each other but never deadlock.
    private static NpgsqlBatchCommand PublishCommand(Guid[] ids) => new("SELECT notification_publish($1)") { Parameters = { new() { Value = ids } } };

    /// <summary>
    /// For jobs (the daily pause digest): one notification to one recipient on the given channels,
    /// created and published in the caller's transaction (call it last). The key base makes a re-run
    /// harmless. Returns the in-app row's id (else the push row's): the digest_id of the held items.
    /// </summary>
    public async Task<Guid> CreateForRecipientAsync(NpgsqlConnection conn, Guid organizationId, Guid recipientId, NotificationType type,
        string title, string body, JsonObject data, string keyBase, ChannelChoice channels = ChannelChoice.Both, CancellationToken ct = default)
    {
        await using var subscribed = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM web_push_subscriptions WHERE person_id = $1)", conn)
            { Parameters = { new() { Value = recipientId } } };
        var hasWebPush = (bool)(await subscribed.ExecuteScalarAsync(ct))!;
        var usable = Channels(channels, hasWebPush).DefaultIfEmpty(NotificationChannel.InApp); // push that cannot go anywhere: in the app
        var drafts = usable.Select(c => new NotificationDraft(organizationId, recipientId, type, c, NotificationStatus.Pending,
            title, body, (JsonObject)data.DeepClone(), $"{keyBase}:{recipientId}:{SnakeCase.Of(c)}:{SnakeCase.Of(type)}")).ToList();
        var created = await CreateAsync(conn, drafts, Now, ct);
        await PublishAsync(conn, created, ct);
        await using var cmd = new NpgsqlCommand("SELECT id FROM notifications WHERE idempotency_key = $1", conn)
            { Parameters = { new() { Value = drafts[0].IdempotencyKey } } };
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
