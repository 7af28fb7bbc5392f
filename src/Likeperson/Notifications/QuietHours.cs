using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Notifications;

/// <summary>A person's quiet hours: push waits while they last ("HH:MM", 24-hour, in the organisation's time zone).</summary>
public sealed record QuietHours(bool Enabled, string Start, string End);

/// <summary>PUT /me/quiet-hours: every member is required; the SQL function says which are wrong.</summary>
public sealed record QuietHoursRequest(bool? Enabled, string? Start, string? End);

/// <summary>
/// GET/PUT /me/quiet-hours, for the endpoints and the preferences page alike. The rules (format, start ≠ end) are SQL's
/// quiet_hours_set; when push waits is SQL's quiet_hours_end, applied where push rows are created (notification_create_many).
/// </summary>
public static class QuietHoursApi
{
    public static void MapQuietHours(this RouteGroupBuilder me)
    {
        me.MapGet("/quiet-hours", Get)
            .WithSummary("The caller's quiet hours (default enabled, 22:00 to 07:00, in the organisation's time zone): push waits until they end; in-app does not.");
        me.MapPut("/quiet-hours", Put).ProducesProblems(422)
            .WithSummary("Set the caller's quiet hours: enabled, start and end as 24-hour \"HH:MM\", start ≠ end (a window may cross midnight). " +
                         "Push already queued keeps its time.");
    }

    private static async Task<Ok<QuietHours>> Get(ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await GetAsync(db, user.PersonId(), ct));

    private static async Task<Ok<QuietHours>> Put(QuietHoursRequest body, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await SetAsync(db, user.PersonId(), body, ct));

    /// <summary>The person's quiet hours (the defaults when they never set them).</summary>
    public static Task<QuietHours> GetAsync(Db db, Guid personId, CancellationToken ct) =>
        db.AsPersonAsync(personId, s =>
        {
            _ = s.Person;
            return s.Connection.QuerySingleAsync<QuietHours>(new CommandDefinition(
                "SELECT enabled, start, \"end\" FROM quiet_hours_get()", cancellationToken: ct));
        }, ct);

    /// <summary>Stores the person's quiet hours and returns them (422 validation_failed naming each bad field; nothing changes).</summary>
    public static Task<QuietHours> SetAsync(Db db, Guid personId, QuietHoursRequest body, CancellationToken ct) =>
        db.AsPersonAsync(personId, s =>
        {
            _ = s.Person;
            return s.Connection.QuerySingleAsync<QuietHours>(new CommandDefinition(
                "SELECT enabled, start, \"end\" FROM quiet_hours_set(@enabled, @start, @end)",
                new { enabled = body.Enabled, start = body.Start, end = body.End }, cancellationToken: ct));
        }, ct);
}
