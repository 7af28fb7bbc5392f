using Likeperson.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// /preferences, "Notifications on your devices": this person's browsers subscribed to Web Push, with Remove (a plain form
/// post), and the handler app.js sends a new subscription to (a fetch with the session cookie and the antiforgery token,
/// after the person pressed the button and the browser granted permission). Both call WebPushApi's functions in-process.
/// </summary>
public sealed partial class PreferencesModel
{
    public IReadOnlyList<WebPushSubscriptionResponse> Devices { get; private set; } = [];
    public string VapidPublicKey { get; private set; } = "";
    public string? DevicesDone { get; private set; }

    private async Task LoadDevicesAsync(CancellationToken ct)
    {
        VapidPublicKey = (await HttpContext.RequestServices.GetRequiredService<VapidKeys>().GetAsync(ct)).PublicKey;
        await TryAsync(async () => Devices = await WebPushApi.ListAsync(Db, Me, ct));
        DevicesDone = Request.Query.ContainsKey("subscribed") ? L["webpush.subscribed"] : Request.Query.ContainsKey("removed") ? L["webpush.removed"] : null;
    }

    /// <summary>JSON in (PushSubscription.toJSON()), JSON out: 201 {id}, or the refusal's status with its message in the person's language.</summary>
    public async Task<IActionResult> OnPostSubscribeAsync([FromBody] WebPushSubscriptionRequest? body, CancellationToken ct)
    {
        var options = HttpContext.RequestServices.GetRequiredService<PushOptions>().WebPush;
        WebPushSubscriptionResponse? created = null;
        if (body is not null && await TryAsync(async () =>
                created = await WebPushApi.SubscribeAsync(Db, options, Me, body, Request.Headers.UserAgent.ToString(), ct)))
            return new JsonResult(new { id = created!.Id }) { StatusCode = 201 };
        return new JsonResult(new { error = Error ?? L["webpush.failed"] }) { StatusCode = body is null ? 400 : 422 };
    }

    public async Task<IActionResult> OnPostUnsubscribeAsync(Guid id, CancellationToken ct)
    {
        if (await WebPushApi.UnsubscribeAsync(Db, Me, endpoint: null, id, ct)) return LocalRedirect("/preferences?removed=1#devices");
        var page = await OnGetAsync(ct);
        Error = L["webpush.not_found"];
        return page;
    }
}
