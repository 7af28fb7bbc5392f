using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// A peer mentor's own page: status, assignments, the pause toggle (a dialog with an optional reason of at most 200
/// characters and an optional expected return date), reactivation, and their own pause history.
/// </summary>
public sealed class MyModel(LoopbackApi api, Lang lang, TimeProvider clock) : AppPage(api, lang)
{
    public const int ReasonLimit = 200;

    public override string Nav => "my";
    public override string Topics => "assignments,mentors,notifications";
    public MentorDto? Mentor { get; private set; }
    public List<AssignmentDto> Assignments { get; private set; } = [];
    public Dictionary<Guid, string> ContactNames { get; } = [];
    public List<PauseDto> Pauses { get; private set; } = [];
    public string? Done { get; private set; }
    public string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), L.Zone).DateTime).ToString("yyyy-MM-dd");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = User.PersonId();
        var mentor = Api.GetAsync<MentorDto>($"mentors/{me}", ct);
        var assignments = Api.GetAsync<AssignmentPageDto>($"assignments?peer_mentor_id={me}&limit=200", ct);
        var pauses = Api.GetAsync<PageDto<PauseDto>>($"mentors/{me}/pauses", ct);
        Mentor = (await mentor).Value;
        if (Mentor is null) { Error = L["my.not_mentor"]; return Page(); }
        var page = (await assignments).Value;
        Assignments = page?.Items ?? [];
        StreamPosition = page?.StreamPosition;
        Pauses = (await pauses).Value?.Items ?? [];
        Pauses.Reverse();
        var contacts = await Task.WhenAll(Assignments.Select(a => a.ContactId).Distinct().Select(id => Api.GetAsync<ContactDto>($"contacts/{id}", ct)));
        foreach (var c in contacts.Where(c => c.Value is not null)) ContactNames[c.Value!.Id] = c.Value.DisplayName;
        Done = Request.Query["done"].ToString() switch { "paused" => L["my.paused_done"], "reactivated" => L["my.reactivated_done"], _ => null };
        return Page();
    }

    public async Task<IActionResult> OnPostPauseAsync(string? reason, [FromForm(Name = "expected_return_date")] string? expectedReturn, int version,
        CancellationToken ct)
    {
        var body = new
        {
            reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            expected_return_date = string.IsNullOrWhiteSpace(expectedReturn) ? null : expectedReturn,
        };
        return await TransitionAsync("pause", body, version, "paused", ct);
    }

    public Task<IActionResult> OnPostReactivateAsync(int version, CancellationToken ct) => TransitionAsync("reactivate", new { }, version, "reactivated", ct);

    private async Task<IActionResult> TransitionAsync(string action, object body, int version, string done, CancellationToken ct)
    {
        var result = await Api.SendAsync<MentorDto>(HttpMethod.Post, $"mentors/{User.PersonId()}/{action}", body, ct, ifMatch: version);
        if (result.Ok) return LocalRedirect($"/my?done={done}");
        ShowProblem(result);
        var error = Error;
        var page = await OnGetAsync(ct);
        Error = error;
        return page;
    }
}
