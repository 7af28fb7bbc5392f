using Dapper;
using Likeperson.Database;
using Likeperson.Mentors;
using Likeperson.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// A mentor (target of every deep link `/mentors/{id}`): status and certification banners, the pause history, each
/// pause's notification log (`?handler=log`), and the actions the caller may take, decided as the transition functions
/// decide: the mentor themself pauses and reactivates; a coordinator of one of the mentor's chapters or an org admin also
/// acknowledges or holds a pending reactivation, deactivates (a reason is required) and renews the certification.
/// Reactivation and acknowledgement are not offered while the certification has expired (the SQL refuses them). A refused
/// form shows the page as it is now with what was typed kept and the server's errors next to their fields.
/// </summary>
public sealed class MentorModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public const int ReasonLimit = 200;

    public override string Nav => Viewer?.Supervises == true ? "roster" : "my";
    public override string Topics => "mentors,notifications";
    public MentorResponse? Mentor { get; private set; }
    public List<PauseResponse> Pauses { get; private set; } = [];
    public string? Done { get; private set; }
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), L.Zone).DateTime);

    /// <summary>The caller is the mentor themself.</summary>
    public bool Self { get; private set; }

    /// <summary>The caller coordinates one of the mentor's chapters or is an org admin of their organisation.</summary>
    public bool Supervisor { get; private set; }

    /// <summary>Which form was refused ("pause", "deactivate", ...), to open it again with its values and errors.</summary>
    public string? RefusedForm { get; private set; }

    /// <summary>The refusal's errors by field (reason, expected_return_date, expires_at), in the page's language.</summary>
    public Dictionary<string, string> FieldErrors { get; } = [];

    /// <summary>What was typed into the refused form, shown again.</summary>
    public string? TypedReason { get; private set; }
    public DateOnly? TypedDate { get; private set; }

    public bool CertificationExpired => Mentor?.CertificationExpiresAt is { } d && d < Today;
    public bool CanPause => (Self || Supervisor) && Mentor?.Status == MentorStatus.Active;
    public bool CanReactivate => (Self || Supervisor) && Mentor?.Status == MentorStatus.Paused && !CertificationExpired;
    public bool CanAcknowledge => Supervisor && Mentor?.Status == MentorStatus.PendingReactivation && !CertificationExpired;
    public bool CanHold => Supervisor && Mentor?.Status == MentorStatus.PendingReactivation;
    public bool CanDeactivate => Supervisor && Mentor?.Status is MentorStatus.Active or MentorStatus.Paused or MentorStatus.PendingReactivation;
    public bool CanRenew => Supervisor && Mentor?.Status != MentorStatus.Inactive;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await ReadFrameAsync();
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
        Self = Mentor.Id == Me;
        Supervisor = !Self && await SupervisesAsync(Mentor, ct);
        Pauses.Reverse(); // oldest first from the feature; the newest is what a coordinator looks for
        Done = Request.Query["done"].ToString() switch
        {
            "acknowledged" => L["mentor.acknowledged_done"],
            "held" => L["mentor.held_done"],
            "paused" => L["mentor.paused_done"],
            "reactivated" => Mentor.Status == MentorStatus.PendingReactivation ? L["mentor.reactivation_requested"] : L["mentor.reactivated_done"],
            "deactivated" => L["mentor.deactivated_done"],
            "certified" => L["mentor.certified_done"],
            _ => null,
        };
        return Page();
    }

    /// <summary>The same test as mentor_actor_relation's 'admin' and 'coordinator', read under the caller's identity.</summary>
    private Task<bool> SupervisesAsync(MentorResponse mentor, CancellationToken ct) =>
        Db.AsPersonAtOnceAsync(Me, "SELECT (SELECT auth_is_org_admin()) OR @chapters::uuid[] && (SELECT auth_coordinated_chapters())",
            new DynamicParameters(new { chapters = mentor.ChapterIds }), results => results.ReadSingleAsync<bool>(), ct);

    /// <summary>The notification log of one pause (who was told, when, and what became of it).</summary>
    public async Task<IActionResult> OnGetLogAsync(Guid id, [FromQuery(Name = "pause_id")] Guid pauseId, CancellationToken ct)
    {
        List<PauseLogEntry>? log = null;
        await TryAsync(async () => log = await PauseLogApi.ReadAsync(Db, Me, pauseId, ct));
        return Partial("_PauseLog", new PauseLogView(pauseId, log, Error));
    }

    public Task<IActionResult> OnPostAcknowledgeAsync(Guid id, int version, CancellationToken ct) =>
        TransitionAsync(id, "acknowledge", MentorTransition.Acknowledge, version, "acknowledged", ct);

    public Task<IActionResult> OnPostHoldAsync(Guid id, int version, string? reason, CancellationToken ct) =>
        TransitionAsync(id, "hold", MentorTransition.Hold(Validation.Clean(reason)), version, "held", ct, reason);

    public Task<IActionResult> OnPostPauseAsync(Guid id, int version, string? reason,
        [FromForm(Name = "expected_return_date")] DateOnly? expectedReturn, CancellationToken ct) =>
        TransitionAsync(id, "pause", MentorTransition.Pause(Validation.Clean(reason), expectedReturn), version, "paused", ct, reason, expectedReturn);

    public Task<IActionResult> OnPostReactivateAsync(Guid id, int version, CancellationToken ct) =>
        TransitionAsync(id, "reactivate", MentorTransition.Reactivate, version, "reactivated", ct);

    public Task<IActionResult> OnPostDeactivateAsync(Guid id, int version, string? reason, CancellationToken ct) =>
        TransitionAsync(id, "deactivate", MentorTransition.Deactivate(Validation.Clean(reason)), version, "deactivated", ct, reason);

    public Task<IActionResult> OnPostCertificationAsync(Guid id, int version, [FromForm(Name = "expires_at")] DateOnly? expiresAt,
        CancellationToken ct) =>
        TransitionAsync(id, "certification", MentorTransition.Certification(expiresAt), version, "certified", ct, null, expiresAt);

    private async Task<IActionResult> TransitionAsync(Guid id, string form, MentorTransition transition, int version, string done,
        CancellationToken ct, string? typedReason = null, DateOnly? typedDate = null)
    {
        Problem? refusal = null;
        if (await TryAsync(async () =>
            {
                try { await MentorTransitions.ApplyAsync(Db, Me, id, transition, version, clock.GetUtcNow(), ct); }
                catch (Exception e) { refusal = ProblemMapping.Map(e); throw; }
            }))
            return LocalRedirect($"/mentors/{id}?done={done}");
        var error = Error;
        var page = await OnGetAsync(id, ct);
        if (Mentor is null) return page;
        (Error, RefusedForm, TypedReason, TypedDate) = (error, form, typedReason, typedDate);
        foreach (var (field, messages) in refusal?.Errors ?? new Dictionary<string, string[]>())
            FieldErrors[field] = L[$"mentor.error.{form}.{field}"] is var text && text != $"mentor.error.{form}.{field}" ? text : string.Join(" ", messages);
        Response.StatusCode = 200;
        return page;
    }

    /// <summary>The error of a field of the refused form, if any (shown next to it and linked by aria-describedby).</summary>
    public string? FieldError(string form, string field) => RefusedForm == form && FieldErrors.TryGetValue(field, out var e) ? e : null;

    public int? DaysToCertificationExpiry => Mentor?.CertificationExpiresAt is { } d ? d.DayNumber - Today.DayNumber : null;

    /// <summary>The certification banner: expired, or expiring within the organisation's largest warning threshold.</summary>
    public bool CertificationBanner => DaysToCertificationExpiry is { } days && (days < 0 || days <= Viewer.CertificationWarningWindow);
}

public sealed record PauseLogView(Guid PauseId, List<PauseLogEntry>? Items, string? Problem);
