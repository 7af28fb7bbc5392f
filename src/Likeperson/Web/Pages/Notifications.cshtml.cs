using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// The notification centre: one card per notification, newest first. Opening a card marks it opened and follows its
/// deep link; acting on it (Acknowledge) marks it acknowledged. Pause cards show the pause's expected return date,
/// read from the mentor while that pause is still the current one.
/// </summary>
public sealed class NotificationsModel(LoopbackApi api, Lang lang) : AppPage(api, lang)
{
    public static readonly string[] PauseTypes = ["mentor_paused", "certification_expiry_auto_pause", "pause_confirmation"];
    public static readonly string[] ReactivationTypes = ["mentor_reactivated", "reactivation_confirmation", "reactivation_pending_ack"];

    public override string Nav => "notifications";
    public List<NotificationDto> Items { get; private set; } = [];
    public int Unread { get; private set; }
    public string? NextCursor { get; private set; }
    public Dictionary<Guid, MentorDto> Mentors { get; } = [];

    public async Task<IActionResult> OnGetAsync(string? cursor, CancellationToken ct)
    {
        var page = await Api.GetAsync<NotificationPageDto>("notifications?limit=50" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), ct);
        if (!page.Ok || page.Value is null) { ShowProblem(page); return Page(); }
        (Items, Unread, NextCursor) = (page.Value.Items, page.Value.UnreadCount, page.Value.NextCursor);
        var mentorIds = Items.Where(n => PauseTypes.Contains(n.Type) && Guid.TryParse(n.DataString("mentor_id"), out _))
            .Select(n => Guid.Parse(n.DataString("mentor_id")!)).Distinct().ToList();
        var fetched = await Task.WhenAll(mentorIds.Select(id => Api.GetAsync<MentorDto>($"mentors/{id}", ct)));
        foreach (var m in fetched.Where(m => m.Ok && m.Value is not null)) Mentors[m.Value!.Id] = m.Value;
        return Page();
    }

    /// <summary>The pause's expected return date, when the pause this card is about is still the mentor's current one.</summary>
    public DateOnly? ExpectedReturn(NotificationDto n) =>
        Guid.TryParse(n.DataString("mentor_id"), out var id) && Mentors.TryGetValue(id, out var m)
        && m.CurrentPause?.Id.ToString() == n.DataString("pause_id") ? m.CurrentPause.ExpectedReturnDate : null;

    public async Task<IActionResult> OnPostOpenAsync(Guid id, string? link, CancellationToken ct)
    {
        await Api.PostAsync<object>($"notifications/{id}/opened", null, ct);
        return LocalRedirect(link is { Length: > 1 } && link.StartsWith('/') && !link.StartsWith("//") ? link : "/notifications");
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken ct)
    {
        var result = await Api.PostAsync<object>($"notifications/{id}/acknowledge", null, ct);
        if (!result.Ok) { ShowProblem(result); return await OnGetAsync(null, ct); }
        return LocalRedirect($"/notifications#n-{id}");
    }
}
