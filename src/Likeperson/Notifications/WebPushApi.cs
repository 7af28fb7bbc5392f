using System.Buffers.Text;
using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Notifications;

/// <summary>The browser's `PushSubscription.toJSON()`: `{endpoint, expirationTime, keys: {p256dh, auth}}` (expirationTime is ignored).</summary>
public sealed record WebPushSubscriptionRequest(string? Endpoint, WebPushKeysInput? Keys);

public sealed record WebPushKeysInput(string? P256dh, string? Auth);

/// <summary>One of the caller's subscribed browsers: the device name read from its User-Agent when it subscribed.</summary>
public sealed record WebPushSubscriptionResponse(Guid Id, string Endpoint, string DeviceName, DateTime CreatedAt);

public sealed record WebPushPublicKey(string PublicKey);

/// <summary>
/// Web Push for the installable web app: the VAPID public key a browser subscribes with, and the caller's subscriptions
/// (subscribe, list, unsubscribe). The preferences page calls the same functions in-process.
/// </summary>
public static class WebPushApi
{
    public const int MaxPerPerson = 20;

    public static void MapWebPushApi(this RouteGroupBuilder api)
    {
        api.MapGet("/web-push/public-key", async (VapidKeys keys, CancellationToken ct) =>
                TypedResults.Ok(new WebPushPublicKey((await keys.GetAsync(ct)).PublicKey)))
            .WithTags("Notifications").AllowAnonymous()
            .WithSummary("The VAPID public key (base64url) a browser passes as applicationServerKey to pushManager.subscribe.");
        var me = api.MapGroup("/me/web-push-subscriptions").WithTags("Notifications").RequireAuthorization();
        me.MapGet("", List).WithSummary("The caller's browsers subscribed to Web Push, oldest first, with the device name read from each one's User-Agent.");
        me.MapPost("", Subscribe).ProducesProblems(422)
            .WithSummary("Subscribe a browser (its PushSubscription.toJSON()). Idempotent for an endpoint: the same endpoint again updates its keys; " +
                         "one another person registered moves to the caller. The endpoint must be https; p256dh a P-256 point, auth 16 bytes; " +
                         "at most 20 per person (422 too_many_subscriptions).");
        me.MapDelete("", Unsubscribe).ProducesProblems(404, 422)
            .WithSummary("Unsubscribe one of the caller's browsers by its endpoint (404 when the caller has no such subscription).");
    }

    private static async Task<Ok<Page<WebPushSubscriptionResponse>>> List(ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(new Page<WebPushSubscriptionResponse>(await ListAsync(db, user.PersonId(), ct), null));

    private static async Task<Created<WebPushSubscriptionResponse>> Subscribe(WebPushSubscriptionRequest body, ClaimsPrincipal user, HttpContext http,
        Db db, PushOptions push, CancellationToken ct)
    {
        var created = await SubscribeAsync(db, push.WebPush, user.PersonId(), body, http.Request.Headers.UserAgent.ToString(), ct);
        return TypedResults.Created($"/api/v1/me/web-push-subscriptions?endpoint={Uri.EscapeDataString(created.Endpoint)}", created);
    }

    private static async Task<NoContent> Unsubscribe([FromQuery] string? endpoint, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        new Validation().Check(endpoint is { Length: > 0 }, "endpoint", "endpoint is required: the subscription's push-service URL.").ThrowIfAny();
        if (!await UnsubscribeAsync(db, user.PersonId(), endpoint: endpoint, id: null, ct)) throw ApiException.NotFound("Web Push subscription");
        return TypedResults.NoContent();
    }

    /// <summary>The person's subscriptions, oldest first.</summary>
    public static Task<List<WebPushSubscriptionResponse>> ListAsync(Db db, Guid personId, CancellationToken ct) =>
        db.AsPersonAsync(personId, async s => (await s.Connection.QueryAsync<WebPushSubscriptionResponse>(new CommandDefinition("""
            SELECT id, endpoint, device_name, created_at FROM web_push_subscriptions WHERE person_id = @me ORDER BY created_at, id
            """, new { me = s.Person.PersonId }, cancellationToken: ct))).ToList(), ct);

    /// <summary>Validates and stores a browser's subscription for the person (422 validation_failed / too_many_subscriptions).</summary>
    public static async Task<WebPushSubscriptionResponse> SubscribeAsync(Db db, WebPushOptions options, Guid personId, WebPushSubscriptionRequest body,
        string? userAgent, CancellationToken ct)
    {
        var endpoint = body.Endpoint?.Trim();
        var (p256dh, auth) = (body.Keys?.P256dh?.Trim(), body.Keys?.Auth?.Trim());
        new Validation()
            .Check(endpoint is { Length: > 0 and <= 2048 } && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                   && (uri.Scheme == Uri.UriSchemeHttps || (options.AllowHttpEndpoints && uri.Scheme == Uri.UriSchemeHttp)) && uri.UserInfo.Length == 0,
                "endpoint", options.AllowHttpEndpoints ? "endpoint must be an http or https URL of at most 2048 characters."
                    : "endpoint must be an https URL of at most 2048 characters (the push service's, from PushSubscription.toJSON()).")
            .Check(Decodes(p256dh) is { } point && VapidKeys.IsP256Point(point), "keys.p256dh",
                "keys.p256dh must be the browser's P-256 public key: base64url of a 65-byte uncompressed point.")
            .Check(Decodes(auth) is { Length: 16 }, "keys.auth", "keys.auth must be the browser's authentication secret: base64url of 16 bytes.")
            .ThrowIfAny();
        (p256dh, auth) = (Base64Url.EncodeToString(Decodes(p256dh)), Base64Url.EncodeToString(Decodes(auth))); // unpadded, as browsers send them
        var deviceName = DeviceNames.FromUserAgent(userAgent);
        return await db.AsPersonAsync(personId, async s =>
        {
            _ = s.Person;
            var id = await s.Connection.ExecuteScalarAsync<Guid>(new CommandDefinition("SELECT web_push_subscribe(@endpoint, @p256dh, @auth, @deviceName)",
                new { endpoint, p256dh, auth, deviceName }, cancellationToken: ct));
            return await s.Connection.QuerySingleAsync<WebPushSubscriptionResponse>(new CommandDefinition(
                "SELECT id, endpoint, device_name, created_at FROM web_push_subscriptions WHERE id = @id", new { id }, cancellationToken: ct));
        }, ct);
    }

    /// <summary>Removes one of the person's own subscriptions, by endpoint (the API, the browser) or id (the page); false when there was none.</summary>
    public static Task<bool> UnsubscribeAsync(Db db, Guid personId, string? endpoint, Guid? id, CancellationToken ct) =>
        db.AsPersonAsync(personId, async s => await s.Connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM web_push_subscriptions WHERE person_id = @me AND (endpoint = @endpoint OR id = @id)
            """, new { me = s.Person.PersonId, endpoint, id }, cancellationToken: ct)) > 0, ct);

    private static byte[]? Decodes(string? base64Url)
    {
        if (string.IsNullOrEmpty(base64Url) || base64Url.Length > 200) return null;
        try { return Base64Url.DecodeFromChars(base64Url.TrimEnd('=')); }
        catch (FormatException) { return null; }
    }
}
