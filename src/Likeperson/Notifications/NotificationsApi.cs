using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Notifications;

/// <summary>The in-app notification centre: the caller's own notifications and their receipts; undeliverable counts.</summary>
public static class NotificationsApi
{
    public static void MapNotificationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization();
        group.MapGet("/", List).ProducesProblems(400, 422).WithSummary("The caller's in-app notifications, newest first, with unread_count (unread = not yet opened).");
        group.MapPost("/{id:guid}/delivered", (Guid id, ClaimsPrincipal u, Db db, TimeProvider c, CancellationToken ct) =>
            MarkAsync(id, NotificationStatus.Delivered, u, db, c, ct)).ProducesProblems(409).WithSummary("Receipt: the notification reached the device (own only).");
        group.MapPost("/{id:guid}/opened", (Guid id, ClaimsPrincipal u, Db db, TimeProvider c, CancellationToken ct) =>
            MarkAsync(id, NotificationStatus.Opened, u, db, c, ct)).ProducesProblems(409).WithSummary("Receipt: the recipient opened it (own only).");
        group.MapPost("/{id:guid}/acknowledge", (Guid id, ClaimsPrincipal u, Db db, TimeProvider c, CancellationToken ct) =>
            MarkAsync(id, NotificationStatus.Acknowledged, u, db, c, ct)).ProducesProblems(409).WithSummary("The recipient acknowledges it (own only).");
        group.MapGet("/undeliverable-count", UndeliverableAsync).ProducesProblems(403)
            .WithSummary("Undeliverable and failed notifications of the organisation (org admin) or of the caller's mentors (coordinator).");
    }

    private sealed record InboxCursor(DateTime CreatedAt, Guid Id);

    private sealed class InboxRow
    {
        public string Json { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public Guid Id { get; init; }
    }

    private static async Task<Ok<NotificationPage>> List(bool? unread, int? limit, string? cursor, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await InboxAsync(db, user.PersonId(), unread ?? false, limit, cursor, ct));

    /// <summary>
    /// Unread: an in-app notification in the centre (not held, not folded into a digest) not yet opened. The navigation
    /// badge and the inbox's unread_count both count with this condition (n = notifications).
    /// </summary>
    public const string UnreadSql = "n.channel = 'in_app' AND n.status IN ('pending', 'sent', 'delivered') AND n.digest_id IS NULL";

    /// <summary>The person's notification centre, newest first, with their unread count (the endpoint and the page).</summary>
    public static async Task<NotificationPage> InboxAsync(Db db, Guid personId, bool unread, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Limit(limit);
        var after = Paging.Decode<InboxCursor>(cursor);
        return await db.AsPersonAsync(personId, async s =>
        {
            var me = s.Person.PersonId;
            return await BatchResults.QueryAsync(s.Connection, new CommandDefinition($$"""
                SELECT notification_json(n)::text AS json, n.created_at, n.id FROM notifications n
                WHERE n.recipient_id = @me AND n.channel = 'in_app' AND n.status <> 'held' AND n.digest_id IS NULL
                  AND (NOT @unread OR n.status IN ('pending', 'sent', 'delivered'))
                  AND (@afterAt::timestamptz IS NULL OR (n.created_at, n.id) < (@afterAt, @afterId))
                ORDER BY n.created_at DESC, n.id DESC LIMIT @take + 1;
                SELECT count(*)::int FROM notifications n WHERE n.recipient_id = @me AND {{UnreadSql}};
                """, new { me, unread, afterAt = after?.CreatedAt, afterId = after?.Id ?? Guid.Empty, take },
                cancellationToken: ct), async results =>
            {
                var rows = await results.ReadAsync<InboxRow>();
                var unreadCount = await results.ReadSingleAsync<int>();
                var next = rows.Count > take ? Paging.Encode(new InboxCursor(rows[take - 1].CreatedAt, rows[take - 1].Id)) : null;
                var items = rows.Take(take).Select(r => JsonSerializer.Deserialize<NotificationItem>(r.Json, SnakeCase.Json)!).ToList();
                return new NotificationPage(items, next, unreadCount);
            });
        }, ct);
    }

    /// <summary>
    /// Items held for a digest are not in the centre (the digest notification stands for them), so they are 404 here.
    /// Forward only (the notifications_guard trigger refuses a step back with 409 status_regression);
    /// repeating the current status is a no-op. Reaching a later status fills the earlier times it implies.
    /// </summary>
    private static async Task<NoContent> MarkAsync(Guid id, NotificationStatus status, ClaimsPrincipal user, Db db, TimeProvider clock,
        CancellationToken ct)
    {
        await MarkAsync(db, user.PersonId(), id, status, clock.GetUtcNow(), ct);
        return TypedResults.NoContent();
    }

    /// <summary>Marks one of the person's own notifications delivered, opened or acknowledged (404 when it is not theirs).</summary>
    public static async Task MarkAsync(Db db, Guid personId, Guid id, NotificationStatus status, DateTimeOffset now, CancellationToken ct)
    {
        var changed = await db.AsPersonAsync(personId, s => s.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE notifications SET status = @status,
                   delivered_at = coalesce(delivered_at, @now),
                   opened_at = CASE WHEN @status IN ('opened', 'acknowledged') THEN coalesce(opened_at, @now) ELSE opened_at END,
                   acknowledged_at = CASE WHEN @status = 'acknowledged' THEN coalesce(acknowledged_at, @now) ELSE acknowledged_at END
            WHERE id = @id AND recipient_id = @me AND status <> 'held' AND digest_id IS NULL
            """, new { id, me = s.Person.PersonId, status = SnakeCase.Of(status), now = now.UtcDateTime }, cancellationToken: ct)), ct);
        if (changed == 0) throw ApiException.NotFound("Notification");
    }

    private static async Task<Ok<DeliveryProblems>> UndeliverableAsync(ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        var counts = await db.AsPersonAsync(user.PersonId(), async s =>
        {
            var caller = s.Person;
            if (!caller.OrgAdmin && !caller.IsCoordinator)
                throw ApiException.Forbidden("Only coordinators and org admins see delivery problems.");
            // Row-level security narrows a coordinator to the notifications about their own mentors.
            var (undeliverable, failed) = await s.Connection.QuerySingleAsync<(int, int)>(new CommandDefinition("""
                SELECT count(*) FILTER (WHERE status = 'undeliverable')::int, count(*) FILTER (WHERE status = 'failed')::int
                FROM notifications WHERE organization_id = @org AND status IN ('undeliverable', 'failed')
                """, new { org = caller.OrganizationId }, cancellationToken: ct));
            return new DeliveryProblems(caller.OrganizationId, undeliverable, failed);
        }, ct);
        return TypedResults.Ok(counts);
    }
}
