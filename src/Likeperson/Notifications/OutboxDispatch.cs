using System.Runtime.ExceptionServices;
using Npgsql;

namespace Likeperson.Notifications;

/// <summary>A claimed outbox row.</summary>
public sealed class OutboxRow
{
    public long Id { get; init; }
    public Guid OrganizationId { get; init; }
    public string Kind { get; init; } = "";
    public string Payload { get; init; } = "{}";
    public int Attempts { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// What a batch is to become: the drafts of the rows that could be drafted (Done, with the audience
/// each was given, for the warnings), and the rows that could not (Failed).
/// </summary>
public sealed record DraftedBatch(IReadOnlyList<NotificationDraft> Drafts, IReadOnlyList<(PlannedRow Row, List<RecipientRow> Recipients)> Done,
    IReadOnlyList<(OutboxRow Row, Exception Error)> Failed);

/// <summary>
/// Turns outbox rows into notification drafts: resolves the recipients now (not when the
/// transition happened), applies each recipient's preferences and drafts one row per recipient and
/// channel, keyed by outbox row + recipient + channel + type so a retry never duplicates. A whole
/// batch costs one round trip (its context); a row that cannot be drafted (bad payload,
/// organisation gone) is reported as failed without holding up the others.
/// </summary>
public sealed class OutboxDispatch(NotificationWriter writer, ILogger<OutboxDispatch> log)
{
    /// <summary>One row (the dispatcher's fallback when a batch fails): writes its notifications, not its processed mark.</summary>
    public async Task<IReadOnlyList<CreatedNotification>> DispatchAsync(NpgsqlConnection conn, OutboxRow row, CancellationToken ct = default)
    {
        var batch = await DraftAsync(conn, [row], ct);
        if (batch.Failed.Count > 0) ExceptionDispatchInfo.Throw(batch.Failed[0].Error);
        var created = await NotificationWriter.CreateAsync(conn, batch.Drafts, writer.Now, ct);
        Warn(batch);
        return created;
    }

    /// <summary>Drafts the notifications of many rows, reading what they need in one round trip; writes nothing.</summary>
    public async Task<DraftedBatch> DraftAsync(NpgsqlConnection conn, IReadOnlyList<OutboxRow> rows, CancellationToken ct = default)
    {
        var failed = new List<(OutboxRow, Exception)>();
        var planned = new List<PlannedRow>();
        foreach (var row in rows)
        {
            try { planned.Add(PlannedRow.Of(row)); }
            catch (Exception e) when (e is not OperationCanceledException) { failed.Add((row, e)); } // no I/O here: the row's own fault
        }
        if (planned.Count == 0) return new([], [], failed);
        var (contexts, recipients) = await DispatchContext.ReadAsync(conn, planned, ct);
        var drafts = new List<NotificationDraft>();
        var done = new List<(PlannedRow, List<RecipientRow>)>();
        foreach (var p in planned)
        {
            try
            {
                var audience = recipients[p.Row.Id].ToList();
                drafts.AddRange(Draft(p, contexts.GetValueOrDefault(p.Row.Id), audience));
                done.Add((p, audience));
            }
            catch (Exception e) when (e is not OperationCanceledException) { failed.Add((p.Row, e)); }
        }
        return new(drafts, done, failed);
    }

    /// <summary>The moment the batch's notifications are created for (the application's clock: quiet hours are decided against it).</summary>
    public DateTimeOffset Now => writer.Now;

    /// <summary>Logs, once a batch's notifications are written, the org-admin fallbacks and the rows nobody could be told of.</summary>
    public void Warn(DraftedBatch batch)
    {
        foreach (var (planned, recipients) in batch.Done) WarnAboutAudience(planned, recipients);
    }

    private List<NotificationDraft> Draft(PlannedRow planned, ContextRow? org, List<RecipientRow> recipients)
    {
        var (row, p, plan) = (planned.Row, planned.Payload, planned.Plan);
        if (org is null) throw new InvalidOperationException($"Organisation {row.OrganizationId} no longer exists.");
        var facts = new DispatchFacts(p.MentorDisplayName ?? "A peer mentor", org.LocalDate, org.PushIncludesReason, p.PriorPauseDays,
            org.TimestampUtc);

        var drafts = new List<NotificationDraft>();
        var contents = new Dictionary<(NotificationType, string, bool), NotificationContent>(); // the same words for every recipient of a type, language and role
        foreach (var r in recipients)
        {
            var type = r.Via == "mentor" ? plan.MentorType!.Value : plan.AudienceType!.Value;
            // Compliance-critical: always on, always at once, whatever a stored preference says.
            var critical = CriticalTypes.Includes(type);
            if (!r.Enabled && !critical) continue;
            var status = r.Mode == "digest" && !critical ? NotificationStatus.Held : NotificationStatus.Pending;
            var toMentor = r.Via == "mentor";
            if (!contents.TryGetValue((type, r.Language, toMentor), out var content))
                contents[(type, r.Language, toMentor)] = content = NotificationContent.Compose(plan.Occasion, type, p, facts, r.Language, toMentor);
            var channels = plan.AudienceInAppOnly && !toMentor ? ChannelChoice.InApp : SnakeCase.Parse<ChannelChoice>(r.Channels);
            foreach (var channel in writer.Channels(channels, r.WebPush))
            {
                var push = channel == NotificationChannel.Push;
                drafts.Add(new(row.OrganizationId, r.PersonId, type, channel, status, content.Title, push ? content.PushBody : content.Body,
                    push ? content.PushData : content.Data, Key(row.Id, r.PersonId, channel, type), p.MentorId, p.PauseId, p.AssignmentId, row.Id));
            }
        }
        if (plan.AudienceType is { } audienceType && !recipients.Any(r => r.Via != "mentor"))
            drafts.Add(Undeliverable(planned, audienceType, facts, NoAudience));
        if (plan.MentorType is { } mentorType && plan.AudienceType is null && recipients.Count == 0)
            drafts.Add(Undeliverable(planned, mentorType, facts, NoMentor));
        return drafts;
    }

    private const string NoAudience = "No coordinator or org admin to notify.";
    private const string NoMentor = "The mentor no longer exists.";

    /// <summary>Logged once the row's notifications are written: the org-admin fallback, and nobody to tell at all.</summary>
    private void WarnAboutAudience(PlannedRow planned, List<RecipientRow> recipients)
    {
        var (row, p, plan) = (planned.Row, planned.Payload, planned.Plan);
        string? undeliverable = null;
        if (plan.AudienceType is not null)
        {
            if (recipients.Any(r => r.Via == "org_admin"))
                log.LogWarning("No coordinator for mentor {MentorId} ({Kind}); notifying the org admins of organisation {OrganizationId} instead",
                    p.MentorId, p.Transition ?? row.Kind, row.OrganizationId);
            if (!recipients.Any(r => r.Via != "mentor")) undeliverable = NoAudience;
        }
        else if (plan.MentorType is not null && recipients.Count == 0) undeliverable = NoMentor;
        if (undeliverable is not null)
            log.LogWarning("Notification undeliverable: mentor {MentorId}, transition {Transition}, error {Error}",
                p.MentorId, p.Transition ?? row.Kind, undeliverable);
    }

    private static NotificationDraft Undeliverable(PlannedRow planned, NotificationType type, DispatchFacts facts, string why)
    {
        var (row, p) = (planned.Row, planned.Payload);
        var content = NotificationContent.Compose(planned.Plan.Occasion, type, p, facts);
        return new(row.OrganizationId, null, type, NotificationChannel.InApp, NotificationStatus.Undeliverable, content.Title, content.Body,
            content.Data, Key(row.Id, null, NotificationChannel.InApp, type), p.MentorId, p.PauseId, p.AssignmentId, row.Id, why);
    }

    public static string Key(long outboxId, Guid? recipient, NotificationChannel channel, NotificationType type) =>
        $"outbox:{outboxId}:{recipient?.ToString() ?? "none"}:{SnakeCase.Of(channel)}:{SnakeCase.Of(type)}";
}
