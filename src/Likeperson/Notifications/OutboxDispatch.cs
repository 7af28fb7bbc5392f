using Dapper;
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
/// Turns one outbox row into notification rows: resolves the recipients now (not when the
/// transition happened), applies each recipient's preferences and writes one row per recipient
/// and channel, keyed by outbox row + recipient + channel + type so a retry never duplicates.
/// </summary>
public sealed class OutboxDispatch(NotificationWriter writer, ILogger<OutboxDispatch> log)
{
    private const string ContextSql = """
        SELECT o.push_includes_reason, (@occurred AT TIME ZONE o.timezone)::date AS local_date,
               (SELECT display_name FROM people WHERE id = @mentor) AS mentor_name,
               (SELECT floor(extract(epoch FROM coalesce(pr.ended_at, @occurred) - pr.paused_at) / 86400)::int
                FROM pause_records pr WHERE pr.id = @pause) AS pause_days
        FROM organizations o WHERE o.id = @org;
        SELECT a.person_id, a.via, coalesce(np.enabled, true) AS enabled, coalesce(np.channels, 'both') AS channels,
               coalesce(np.mode, 'immediate') AS mode
        FROM notification_audience(@org, @mentor, @chapter) a
        LEFT JOIN notification_preferences np ON np.person_id = a.person_id AND np.type = @audienceType
        WHERE @audienceType::text IS NOT NULL
        UNION ALL
        SELECT p.id, 'mentor', coalesce(np.enabled, true), coalesce(np.channels, 'both'), coalesce(np.mode, 'immediate')
        FROM people p LEFT JOIN notification_preferences np ON np.person_id = p.id AND np.type = @mentorType
        WHERE @mentorType::text IS NOT NULL AND p.id = @mentor AND p.organization_id = @org;
        """;

    /// <summary>Writes the row's notifications (not its processed mark) and returns those that are new.</summary>
    public async Task<IReadOnlyList<CreatedNotification>> DispatchAsync(NpgsqlConnection conn, OutboxRow row, CancellationToken ct = default)
    {
        var p = OutboxPayload.Parse(row.Payload);
        var plan = DispatchPlan.For(row.Kind, p);
        var occurred = p.OccurredAt ?? new DateTimeOffset(row.CreatedAt, TimeSpan.Zero);
        var (org, recipients) = await ReadContextAsync(conn, row, p, plan, occurred, ct);
        var facts = new DispatchFacts(p.MentorDisplayName ?? org.MentorName ?? "A peer mentor", org.LocalDate, org.PushIncludesReason,
            p.PriorPauseDays ?? org.PauseDays, occurred.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"));

        var drafts = new List<NotificationDraft>();
        foreach (var r in recipients)
        {
            var type = r.Via == "mentor" ? plan.MentorType!.Value : plan.AudienceType!.Value;
            // Compliance-critical: always on, always at once, whatever a stored preference says.
            var critical = type == NotificationType.CertificationExpiryAutoPause;
            if (!r.Enabled && !critical) continue;
            var status = r.Mode == "digest" && !critical ? NotificationStatus.Held : NotificationStatus.Pending;
            var content = NotificationContent.Compose(plan.Occasion, type, p, facts);
            foreach (var channel in writer.Channels(SnakeCase.Parse<ChannelChoice>(r.Channels)))
            {
                var push = channel == NotificationChannel.Push;
                drafts.Add(new(row.OrganizationId, r.PersonId, type, channel, status, content.Title, push ? content.PushBody : content.Body,
                    push ? content.PushData : content.Data, Key(row.Id, r.PersonId, channel, type), p.MentorId, p.PauseId, p.AssignmentId, row.Id));
            }
        }
        if (plan.AudienceType is { } audienceType)
        {
            if (recipients.Any(r => r.Via == "org_admin"))
                log.LogWarning("No coordinator for mentor {MentorId} ({Kind}); notifying the org admins of organisation {OrganizationId} instead",
                    p.MentorId, p.Transition ?? row.Kind, row.OrganizationId);
            if (!recipients.Any(r => r.Via != "mentor"))
                drafts.Add(Undeliverable(row, p, plan, audienceType, facts, "No coordinator or org admin to notify."));
        }
        if (plan.MentorType is { } mentorType && plan.AudienceType is null && recipients.Count == 0)
            drafts.Add(Undeliverable(row, p, plan, mentorType, facts, "The mentor no longer exists."));
        return await NotificationWriter.CreateAsync(conn, drafts, ct);
    }

    private static async Task<(ContextRow, List<RecipientRow>)> ReadContextAsync(NpgsqlConnection conn, OutboxRow row, OutboxPayload p,
        DispatchPlan plan, DateTimeOffset occurred, CancellationToken ct)
    {
        await using var multi = await conn.QueryMultipleAsync(new CommandDefinition(ContextSql, new
        {
            org = row.OrganizationId, mentor = p.MentorId, pause = p.PauseId, chapter = plan.AudienceChapter, occurred = occurred.UtcDateTime,
            audienceType = plan.AudienceType is { } at ? SnakeCase.Of(at) : null, mentorType = plan.MentorType is { } mt ? SnakeCase.Of(mt) : null,
        }, cancellationToken: ct));
        var org = await multi.ReadSingleOrDefaultAsync<ContextRow>()
                  ?? throw new InvalidOperationException($"Organisation {row.OrganizationId} no longer exists.");
        return (org, (await multi.ReadAsync<RecipientRow>()).ToList());
    }

    private NotificationDraft Undeliverable(OutboxRow row, OutboxPayload p, DispatchPlan plan, NotificationType type, DispatchFacts facts, string why)
    {
        log.LogWarning("Notification undeliverable: mentor {MentorId}, transition {Transition}, error {Error}",
            p.MentorId, p.Transition ?? row.Kind, why);
        var content = NotificationContent.Compose(plan.Occasion, type, p, facts);
        return new(row.OrganizationId, null, type, NotificationChannel.InApp, NotificationStatus.Undeliverable, content.Title, content.Body,
            content.Data, Key(row.Id, null, NotificationChannel.InApp, type), p.MentorId, p.PauseId, p.AssignmentId, row.Id, why);
    }

    public static string Key(long outboxId, Guid? recipient, NotificationChannel channel, NotificationType type) =>
        $"outbox:{outboxId}:{recipient?.ToString() ?? "none"}:{SnakeCase.Of(channel)}:{SnakeCase.Of(type)}";

    private sealed class ContextRow
    {
        public bool PushIncludesReason { get; init; }
        public DateOnly LocalDate { get; init; }
        public string? MentorName { get; init; }
        public int? PauseDays { get; init; }
    }

    private sealed class RecipientRow
    {
        public Guid PersonId { get; init; }
        public string Via { get; init; } = "";
        public bool Enabled { get; init; }
        public string Channels { get; init; } = "both";
        public string Mode { get; init; } = "immediate";
    }
}
