using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Notifications;

/// <summary>
/// Who was told what about one pause period, and when: every notification created for the
/// transitions of that period (pause, hold, reactivation request, acknowledgement, reactivation,
/// deactivation), for the mentor's coordinators and the org admins. The mentor gets 404: their
/// own notifications are in their notification centre; the log is a coordination record.
/// </summary>
public static class PauseLogApi
{
    public static void MapPauseLogApi(this RouteGroupBuilder api)
    {
        api.MapGroup("/pauses").WithTags("Notifications").RequireAuthorization()
            .MapGet("/{pauseId:guid}/notifications", GetLog)
            .WithSummary("The notification log of a pause: every notification of that period with recipient, channel, status and times " +
                         "(quiet_hours_until: a push held for the recipient's quiet hours, and until when).");
    }

    private static async Task<Ok<Page<PauseLogEntry>>> GetLog(Guid pauseId, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(new Page<PauseLogEntry>(await ReadAsync(db, user.PersonId(), pauseId, ct), null));

    /// <summary>The log as <paramref name="personId"/> may read it: 404 unless they coordinate the mentor or are an org admin.</summary>
    public static Task<List<PauseLogEntry>> ReadAsync(Db db, Guid personId, Guid pauseId, CancellationToken ct) =>
        db.AsPersonAsync(personId, async s =>
        {
            var caller = s.Person;
            // Row-level security shows the pause only where its mentor is visible; the chapters decide coordination.
            var mentorChapters = await s.Connection.QuerySingleOrDefaultAsync<Guid[]>(new CommandDefinition("""
                SELECT coalesce(array_agg(m.chapter_id) FILTER (WHERE m.chapter_id IS NOT NULL), '{}')
                FROM pause_records pr LEFT JOIN chapter_memberships m ON m.person_id = pr.mentor_id AND m.role = 'peer_mentor'
                WHERE pr.id = @pauseId GROUP BY pr.id
                """, new { pauseId }, cancellationToken: ct));
            if (mentorChapters is null || !(caller.OrgAdmin || caller.Coordinates(mentorChapters)))
                throw ApiException.NotFound("Pause");
            return (await s.Connection.QueryAsync<LogRow>(new CommandDefinition("""
                SELECT n.id, n.type, n.recipient_id, notification_recipient_name(n.recipient_id) AS recipient_display_name, n.channel,
                       n.status, n.created_at, n.sent_at, n.delivered_at, n.opened_at, n.acknowledged_at, n.error, n.quiet_hours_until
                FROM notifications n WHERE n.pause_id = @pauseId
                ORDER BY n.created_at, n.type, recipient_display_name, n.channel
                """, new { pauseId }, cancellationToken: ct))).Select(r => r.ToEntry()).ToList();
        }, ct);

    private sealed class LogRow
    {
        public Guid Id { get; init; }
        public string Type { get; init; } = "";
        public Guid? RecipientId { get; init; }
        public string? RecipientDisplayName { get; init; }
        public string Channel { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime? SentAt { get; init; }
        public DateTime? DeliveredAt { get; init; }
        public DateTime? OpenedAt { get; init; }
        public DateTime? AcknowledgedAt { get; init; }
        public string? Error { get; init; }
        public DateTime? QuietHoursUntil { get; init; }

        public PauseLogEntry ToEntry() => new(Id, SnakeCase.Parse<NotificationType>(Type), RecipientId, RecipientDisplayName,
            SnakeCase.Parse<NotificationChannel>(Channel), SnakeCase.Parse<NotificationStatus>(Status), CreatedAt, SentAt, DeliveredAt,
            OpenedAt, AcknowledgedAt, Error, QuietHoursUntil);
    }
}
