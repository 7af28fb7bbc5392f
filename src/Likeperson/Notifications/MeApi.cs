using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Notifications;

/// <summary>The caller's own notification settings: preferences per type and the devices push goes to.</summary>
public static class MeApi
{
    private static readonly string[] PreferenceTypes = Enum.GetValues<PreferenceType>().Select(t => SnakeCase.Of(t)).ToArray();

    public static void MapMeApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/me").WithTags("Notifications").RequireAuthorization();
        group.MapGet("/notification-preferences", GetPreferences)
            .WithSummary("The caller's preferences for every configurable type: mentor_paused, mentor_reactivated, certification_expiry_auto_pause, " +
                         "reactivation_pending_ack, certification_expiring, return_date_passed (default: enabled, both channels, immediate).");
        group.MapPut("/notification-preferences", PutPreferences).ProducesProblems(422)
            .WithSummary("Set preferences for the listed types; certification_expiry_auto_pause cannot be disabled or digested (422 critical_notification).");
        group.MapPost("/devices", RegisterDevice).WithSummary("Register a device token for push (at most 20 per person, the oldest is dropped). A token of another person of the " +
                         "organisation moves to the caller; one of another organisation's person is 409 device_in_use until its owner deletes it.")
            .ProducesProblems(409, 422);
        group.MapDelete("/devices/{token}", DeleteDevice).WithSummary("Forget one of the caller's device tokens.");
        group.MapQuietHours();
    }

    private static async Task<Ok<PreferencesResponse>> GetPreferences(ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await PreferencesAsync(db, user.PersonId(), ct));

    private static async Task<Ok<PreferencesResponse>> PutPreferences(PreferencesRequest body, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await SetPreferencesAsync(db, user.PersonId(), body, ct));

    /// <summary>The person's preferences for every configurable type (the endpoint and the preferences page).</summary>
    public static Task<PreferencesResponse> PreferencesAsync(Db db, Guid personId, CancellationToken ct) =>
        db.AsPersonAsync(personId, s => ReadAsync(s, ct), ct);

    /// <summary>Sets the listed types' preferences (422 validation_failed / critical_notification) and returns them all.</summary>
    public static async Task<PreferencesResponse> SetPreferencesAsync(Db db, Guid personId, PreferencesRequest body, CancellationToken ct)
    {
        var v = new Validation();
        var items = body.Preferences ?? [];
        v.Check(body.Preferences is not null, "preferences", "preferences is required: a list of {type, enabled, channels, mode}.");
        for (var i = 0; i < items.Length; i++)
            v.Check(items[i] is { Type: not null, Enabled: not null, Channels: not null, Mode: not null }, $"preferences[{i}]",
                "Each preference needs type, enabled, channels and mode.");
        v.Check(items.Where(p => p?.Type is not null).GroupBy(p => p.Type).All(g => g.Count() == 1), "preferences", "Each type at most once.");
        v.ThrowIfAny();
        return await db.AsPersonAsync(personId, async s =>
        {
            var caller = s.Person;
            // The CHECK notification_preferences_critical refuses a disabled or digested critical type (422 critical_notification).
            await s.Connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO notification_preferences (person_id, organization_id, type, enabled, channels, mode)
                SELECT @me, @org, unnest(@types), unnest(@enabled), unnest(@channels), unnest(@modes)
                ON CONFLICT (person_id, type) DO UPDATE
                SET enabled = excluded.enabled, channels = excluded.channels, mode = excluded.mode
                """, new
            {
                me = caller.PersonId, org = caller.OrganizationId,
                types = items.Select(p => SnakeCase.Of(p.Type!.Value)).ToArray(), enabled = items.Select(p => p.Enabled!.Value).ToArray(),
                channels = items.Select(p => SnakeCase.Of(p.Channels!.Value)).ToArray(), modes = items.Select(p => SnakeCase.Of(p.Mode!.Value)).ToArray(),
            }, cancellationToken: ct));
            return await ReadAsync(s, ct);
        }, ct);
    }

    private static async Task<PreferencesResponse> ReadAsync(Session s, CancellationToken ct)
    {
        var rows = await s.Connection.QueryAsync<(string Type, bool Enabled, string Channels, string Mode)>(new CommandDefinition("""
            SELECT t.type, coalesce(np.enabled, true), coalesce(np.channels, 'both'), coalesce(np.mode, 'immediate')
            FROM unnest(@types::text[]) WITH ORDINALITY AS t(type, ord)
            LEFT JOIN notification_preferences np ON np.person_id = @me AND np.type = t.type
            ORDER BY t.ord
            """, new { types = PreferenceTypes, me = s.Person.PersonId }, cancellationToken: ct));
        return new PreferencesResponse(rows.Select(r => new Preference(SnakeCase.Parse<PreferenceType>(r.Type), r.Enabled,
            SnakeCase.Parse<ChannelChoice>(r.Channels), SnakeCase.Parse<DeliveryMode>(r.Mode))).ToList());
    }

    private static async Task<Created<DeviceResponse>> RegisterDevice(DeviceRequest body, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        var token = body.Token?.Trim();
        new Validation()
            .Check(token is { Length: >= 1 and <= 4096 }, "token", "A device token of 1 to 4096 characters is required.")
            .Check(body.Platform is not null, "platform", "platform is required: android, ios or web.")
            .ThrowIfAny();
        var registered = await db.AsPersonAsync(user.PersonId(), s =>
        {
            _ = s.Person;
            return s.Connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("SELECT device_register(@token, @platform)",
                new { token, platform = SnakeCase.Of(body.Platform!.Value) }, cancellationToken: ct));
        }, ct);
        return TypedResults.Created($"/api/v1/me/devices/{Uri.EscapeDataString(token!)}", new DeviceResponse(token!, body.Platform!.Value, registered));
    }

    private static async Task<NoContent> DeleteDevice(string token, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        var deleted = await db.AsPersonAsync(user.PersonId(), s => s.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM devices WHERE token = @token AND person_id = @me", new { token, me = s.Person.PersonId }, cancellationToken: ct)), ct);
        if (deleted == 0) throw ApiException.NotFound("Device");
        return TypedResults.NoContent();
    }
}
