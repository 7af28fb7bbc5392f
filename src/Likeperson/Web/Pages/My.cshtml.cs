using Likeperson.Assignments;
using Likeperson.Database;
using Likeperson.Mentors;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// A peer mentor's own page: status, open and pending assignments (overdue-contact flag, each linking to its page, where
/// the mentor records a contact), the pause toggle (a dialog with an optional reason of at most 200
/// characters and an optional expected return date), reactivation, the chapter website opt-in (listed_publicly), and their
/// own pause history.
/// </summary>
public sealed class MyModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public const int ReasonLimit = 200;

    public override string Nav => "my";
    public override string Topics => "assignments,mentors,notifications";
    public MentorResponse? Mentor { get; private set; }
    public IReadOnlyList<BoardRow> Assignments { get; private set; } = [];

    /// <summary>The mentor's open and pending assignments (the ones a contact can still be recorded on), newest first.</summary>
    public IReadOnlyList<BoardRow> OpenAssignments => Assignments.Where(r => r.Assignment.Status != AssignmentStatus.Completed).ToList();
    public List<PauseResponse> Pauses { get; private set; } = [];
    public string? Done { get; private set; }
    public string Today => LocalToday.ToString("yyyy-MM-dd");
    private DateOnly LocalToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), L.Zone).DateTime);

    public int? DaysToCertificationExpiry => Mentor?.CertificationExpiresAt is { } d ? d.DayNumber - LocalToday.DayNumber : null;

    /// <summary>The certification expires today or later, within the organisation's largest warning threshold (its setting).</summary>
    public bool CertificationWarning => DaysToCertificationExpiry is { } days && days >= 0 && days <= Viewer.CertificationWarningWindow;

    /// <summary>Expired (before today): reactivation would be refused (certification_expired), so it is not offered.</summary>
    public bool CertificationExpired => DaysToCertificationExpiry < 0;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var assignments = await ReadAsync(AssignmentList.Board(new AssignmentQuery(PeerMentorId: Me, Limit: Paging.MaxLimit), now));
        if (!await TryAsync(async () => Mentor = await MentorsApi.ReadAsync(Db, Me, Me, now, ct)))
        {
            Error = L["my.not_mentor"];
            return Page();
        }
        (Assignments, StreamPosition) = (assignments.Rows, assignments.StreamPosition);
        Pauses = await PauseRoster.HistoryAsync(Db, Me, Me, now, ct);
        Pauses.Reverse();
        Done = Request.Query["done"].ToString() switch
        {
            "paused" => L["my.paused_done"],
            "reactivated" => Mentor.Status == MentorStatus.PendingReactivation ? L["my.reactivation_requested"] : L["my.reactivated_done"],
            "listed" => L["my.listed_done"],
            "unlisted" => L["my.unlisted_done"],
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostPauseAsync(string? reason, [FromForm(Name = "expected_return_date")] DateOnly? expectedReturn, int version,
        CancellationToken ct) =>
        await TransitionAsync(MentorTransition.Pause(Validation.Clean(reason), expectedReturn), version, "paused", ct);

    public Task<IActionResult> OnPostReactivateAsync(int version, CancellationToken ct) =>
        TransitionAsync(MentorTransition.Reactivate, version, "reactivated", ct);

    /// <summary>The chapter website opt-in, saved through the endpoint's own function (mentor_set_listing decides who may).</summary>
    public async Task<IActionResult> OnPostListingAsync([FromForm(Name = "listed_publicly")] string? listed, CancellationToken ct)
    {
        var show = listed is "true" or "on";
        if (await TryAsync(() => MentorListing.SetAsync(Db, Me, Me, show, ct)))
            return LocalRedirect($"/my?done={(show ? "listed" : "unlisted")}#listing");
        var error = Error;
        var page = await OnGetAsync(ct);
        Error = error;
        return page;
    }

    private async Task<IActionResult> TransitionAsync(MentorTransition transition, int version, string done, CancellationToken ct)
    {
        if (await TryAsync(() => MentorTransitions.ApplyAsync(Db, Me, Me, transition, version, clock.GetUtcNow(), ct)))
            return LocalRedirect($"/my?done={done}");
        var error = Error;
        var page = await OnGetAsync(ct);
        Error = error;
        return page;
    }
}
