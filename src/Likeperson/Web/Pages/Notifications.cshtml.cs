using System.Globalization;
using System.Text.Json;
using Likeperson.Database;
using Likeperson.Mentors;
using Likeperson.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// The notification centre: one card per notification, newest first. Opening a card marks it opened and follows its
/// deep link; acting on it (Acknowledge) marks it acknowledged. Pause cards show the pause's expected return date,
/// read from the mentor while that pause is still the current one.
/// </summary>
public sealed class NotificationsModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public static readonly string[] PauseTypes = ["mentor_paused", "certification_expiry_auto_pause", "pause_confirmation"];
    public static readonly string[] ReactivationTypes = ["mentor_reactivated", "reactivation_confirmation", "reactivation_pending_ack"];

    public override string Nav => "notifications";
    public IReadOnlyList<NotificationItem> Items { get; private set; } = [];
    public int Unread { get; private set; }
    public string? NextCursor { get; private set; }
    public Dictionary<Guid, MentorResponse> Mentors { get; } = [];

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken ct)
    {
        await ReadFrameAsync();
        await TryAsync(async () =>
        {
            var page = await NotificationsApi.InboxAsync(Db, Me, false, 50, cursor, ct);
            (Items, Unread, NextCursor) = (page.Items, page.UnreadCount, page.NextCursor);
        });
        var now = clock.GetUtcNow();
        var mentorIds = Items.Where(n => PauseTypes.Contains(SnakeCase.Of(n.Type)) && Guid.TryParse(Data(n, "mentor_id"), out _))
            .Select(n => Guid.Parse(Data(n, "mentor_id")!)).Distinct();
        foreach (var id in mentorIds)
        {
            try { Mentors[id] = await MentorsApi.ReadAsync(Db, Me, id, now, ct); }
            catch (ApiException) { /* no longer in the caller's scope: the card shows no return date */ }
        }
        return Page();
    }

    /// <summary>The pause's expected return date, when the pause this card is about is still the mentor's current one.</summary>
    public DateOnly? ExpectedReturn(NotificationItem n) =>
        Guid.TryParse(Data(n, "mentor_id"), out var id) && Mentors.TryGetValue(id, out var m)
        && m.CurrentPause?.Id.ToString() == Data(n, "pause_id") ? m.CurrentPause.ExpectedReturnDate : null;

    public static string? Data(NotificationItem n, string name) =>
        n.Data.ValueKind == JsonValueKind.Object && n.Data.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;

    public static DateTime? Time(string? rfc3339) =>
        DateTime.TryParse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    public async Task<IActionResult> OnPostOpenAsync(Guid id, string? link, CancellationToken ct)
    {
        await TryAsync(() => NotificationsApi.MarkAsync(Db, Me, id, NotificationStatus.Opened, clock.GetUtcNow(), ct));
        return LocalRedirect(WebModule.IsLocalPath(link) ? link! : "/notifications");
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken ct)
    {
        if (!await TryAsync(() => NotificationsApi.MarkAsync(Db, Me, id, NotificationStatus.Acknowledged, clock.GetUtcNow(), ct)))
        {
            var error = Error;
            var page = await OnGetAsync(null, ct);
            Error = error;
            return page;
        }
        return LocalRedirect($"/notifications#n-{id}");
    }
}
