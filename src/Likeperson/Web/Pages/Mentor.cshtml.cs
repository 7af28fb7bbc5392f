using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// A mentor (target of every deep link `/mentors/{id}`): status and certification banners, the pause history, each
/// pause's notification log (`?handler=log`), and acknowledging or holding a pending reactivation.
/// </summary>
public sealed class MentorModel(LoopbackApi api, Lang lang, TimeProvider clock) : AppPage(api, lang)
{
    public override string Nav => User.Supervises() ? "roster" : "my";
    public override string Topics => "mentors,notifications";
    public MentorDto? Mentor { get; private set; }
    public List<PauseDto> Pauses { get; private set; } = [];
    public string? Done { get; private set; }
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), L.Zone).DateTime);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var mentor = Api.GetAsync<MentorDto>($"mentors/{id}", ct);
        var pauses = Api.GetAsync<PageDto<PauseDto>>($"mentors/{id}/pauses", ct);
        if ((await mentor).Value is not { } m)
        {
            Response.StatusCode = 404;
            Error = L["mentor.not_found"];
            return Page();
        }
        Mentor = m;
        Pauses = (await pauses).Value?.Items ?? [];
        Pauses.Reverse(); // the API gives them oldest first; the newest is what a coordinator looks for
        Done = Request.Query["done"].ToString() switch { "acknowledged" => L["mentor.acknowledged_done"], "held" => L["mentor.held_done"], _ => null };
        return Page();
    }

    /// <summary>The notification log of one pause (who was told, when, and what became of it).</summary>
    public async Task<IActionResult> OnGetLogAsync(Guid id, [FromQuery(Name = "pause_id")] Guid pauseId, CancellationToken ct)
    {
        var log = await Api.GetAsync<PageDto<PauseLogDto>>($"pauses/{pauseId}/notifications", ct);
        return Partial("_PauseLog", new PauseLogView(pauseId, log.Value?.Items, log.Ok ? null : log.Problem));
    }

    public Task<IActionResult> OnPostAcknowledgeAsync(Guid id, int version, CancellationToken ct) =>
        TransitionAsync(id, "reactivation/acknowledge", version, null, "acknowledged", ct);

    public Task<IActionResult> OnPostHoldAsync(Guid id, int version, string? reason, CancellationToken ct) =>
        TransitionAsync(id, "reactivation/hold", version, new { reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, "held", ct);

    private async Task<IActionResult> TransitionAsync(Guid id, string action, int version, object? body, string done, CancellationToken ct)
    {
        var result = await Api.SendAsync<MentorDto>(HttpMethod.Post, $"mentors/{id}/{action}", body ?? new { }, ct, ifMatch: version);
        if (result.Ok) return LocalRedirect($"/mentors/{id}?done={done}");
        ShowProblem(result);
        var error = Error;
        var page = await OnGetAsync(id, ct);
        Error = error;
        Response.StatusCode = 200;
        return page;
    }

    public int? DaysToCertificationExpiry => Mentor?.CertificationExpiresAt is { } d ? d.DayNumber - Today.DayNumber : null;
}

public sealed record PauseLogView(Guid PauseId, List<PauseLogDto>? Items, string? Problem);
