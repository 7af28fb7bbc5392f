using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Database;
using Likeperson.Notifications;
using Npgsql;

namespace Likeperson.Jobs;

/// <summary>
/// pause-digest: each recipient with held items (notifications in status `held`, written by the
/// dispatcher for digest-mode preferences) gets one `pause_digest` notification through the one
/// creation path (NotificationWriter.CreateForRecipientAsync), on the channels their held items
/// used, naming the mentors and counting the updates; in the same transaction the held rows become
/// `sent` with `digest_id` = the digest. Nobody with nothing held hears anything.
/// </summary>
public sealed class PauseDigestJob(WorkerDataSource worker, NotificationWriter writer) : IJob
{
    public string Name => JobNames.PauseDigest;
    public bool PerOrganization => true;

    public async Task<JsonObject> RunAsync(Guid? organizationId, DateTimeOffset now, Guid runId, CancellationToken ct = default)
    {
        var org = organizationId ?? throw new ArgumentNullException(nameof(organizationId));
        Guid[] recipients;
        await using (var conn = await worker.Source.OpenConnectionAsync(ct))
            recipients = (await conn.QueryAsync<Guid>(new CommandDefinition("""
                SELECT DISTINCT recipient_id FROM notifications
                WHERE organization_id = @org AND status = 'held' AND recipient_id IS NOT NULL ORDER BY 1
                """, new { org }, cancellationToken: ct))).ToArray();
        int digests = 0, items = 0;
        foreach (var recipient in recipients)
        {
            var carried = await DigestAsync(org, recipient, now, runId, ct);
            if (carried > 0) { digests++; items += carried; }
        }
        return new JsonObject { ["recipients"] = recipients.Length, ["digests"] = digests, ["held_items"] = items };
    }

    /// <summary>One recipient's digest in one transaction; returns how many held rows it carried (0: someone else was first).</summary>
    private async Task<int> DigestAsync(Guid org, Guid recipient, DateTimeOffset now, Guid runId, CancellationToken ct)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Locked: a concurrent run waits here and then finds them sent.
        var held = (await conn.QueryAsync<HeldRow>(new CommandDefinition("""
            SELECT n.id, n.type, n.channel, n.mentor_id, n.outbox_id, coalesce(n.data->>'mentor_display_name', p.display_name) AS mentor_name, n.created_at
            FROM notifications n LEFT JOIN people p ON p.id = n.mentor_id
            WHERE n.organization_id = @org AND n.recipient_id = @recipient AND n.status = 'held'
            ORDER BY n.outbox_id, n.created_at, n.id FOR UPDATE OF n -- transition order: one dispatch batch shares created_at
            """, new { org, recipient }, tx, cancellationToken: ct))).ToList();
        if (held.Count == 0) return 0;

        var language = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT language FROM people WHERE id = @recipient", new { recipient }, tx, cancellationToken: ct)) ?? Words.Default;
        var content = PauseDigestContent.Compose(held, now, language, recipient);
        var channels = Channels(held);
        var digestId = await writer.CreateForRecipientAsync(conn, org, recipient, NotificationType.PauseDigest, content.Title, content.Body,
            content.Data, $"pause_digest:{runId}", channels, ct);
        var marked = await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE notifications SET status = 'sent', sent_at = @now, digest_id = @digestId WHERE id = ANY (@ids)
            """, new { now, digestId, ids = held.Select(h => h.Id).ToArray() }, tx, cancellationToken: ct));
        if (marked != held.Count) throw new InvalidOperationException($"Marked {marked} of {held.Count} held notifications.");
        await tx.CommitAsync(ct);
        return held.Count;
    }

    /// <summary>The channels the held items were meant for (the writer keeps push only where it can still go).</summary>
    private static ChannelChoice Channels(List<HeldRow> held)
    {
        var push = held.Any(h => h.Channel == "push");
        var inApp = held.Any(h => h.Channel == "in_app");
        return push && inApp ? ChannelChoice.Both : push ? ChannelChoice.Push : ChannelChoice.InApp;
    }
}

public sealed class HeldRow
{
    public Guid Id { get; init; }
    public string Type { get; init; } = "";
    public string Channel { get; init; } = "";
    public Guid? MentorId { get; init; }
    public long? OutboxId { get; init; }
    public string? MentorName { get; init; }
    public DateTime CreatedAt { get; init; }
}
