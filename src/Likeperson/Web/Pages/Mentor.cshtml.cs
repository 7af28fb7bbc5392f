using Likeperson.Database;
using Likeperson.Mentors;
using Likeperson.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// A mentor (target of every deep link `/mentors/{id}`): status and certification banners, the pause history, each
/// pause's notification log (`?handler=log`), and acknowledging or holding a pending reactivation.
/// </summary>
public sealed class MentorModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public override string Nav => Viewer?.Supervises == true ? "roster" : "my";
    public override string Topics => "mentors,notifications";
    public MentorResponse? Mentor { get; private set; }
    public List<PauseResponse> Pauses { get; private set; } = [];
    public string? Done { get; private set; }
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), L.Zone).DateTime);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!await TryAsync(async () =>
            {
                Mentor = await MentorsApi.ReadAsync(Db, Me, id, now, ct);
                Pauses = await PauseRoster.HistoryAsync(Db, Me, id, now, ct);
            }))
        {
            Mentor = null;
            Response.StatusCode = 404;
            Error = L["mentor.not_found"];
            return Page();
        }
        Pauses.Reverse(); // oldest first from the feature; the newest is what a coordinator looks for
        Done = Request.Query["done"].ToString() switch { "acknowledged" => L["mentor.acknowledged_done"], "held" => L["mentor.held_done"], _ => null };
        return Page();
    }

    /// <summary>The notification log of one pause (who was told, when, and what became of it).</summary>
    public async Task<IActionResult> OnGetLogAsync(Guid id, [FromQuery(Name = "pause_id")] Guid pauseId, CancellationToken ct)
    {
        List<PauseLogEntry>? log = null;
        await TryAsync(async () => log = await PauseLogApi.ReadAsync(Db, Me, pauseId, ct));
        return Partial("_PauseLog", new PauseLogView(pauseId, log, Error));
    }

    public Task<IActionResult> OnPostAcknowledgeAsync(Guid id, int version, CancellationToken ct) =>
        TransitionAsync(id, MentorTransition.Acknowledge, version, "acknowledged", ct);

    public Task<IActionResult> OnPostHoldAsync(Guid id, int version, string? reason, CancellationToken ct) =>
        TransitionAsync(id, MentorTransition.Hold(Validation.Clean(reason)), version, "held", ct);

    private async Task<IActionResult> TransitionAsync(Guid id, MentorTransition transition, int version, string done, CancellationToken ct)
    {
        if (await TryAsync(() => MentorTransitions.ApplyAsync(Db, Me, id, transition, version, clock.GetUtcNow(), ct)))
            return LocalRedirect($"/mentors/{id}?done={done}");
        var error = Error;
        var page = await OnGetAsync(id, ct);
        Error = error;
        Response.StatusCode = 200;
        return page;
    }

    public int? DaysToCertificationExpiry => Mentor?.CertificationExpiresAt is { } d ? d.DayNumber - Today.DayNumber : null;
}

public sealed record PauseLogView(Guid PauseId, List<PauseLogEntry>? Items, string? Problem);
