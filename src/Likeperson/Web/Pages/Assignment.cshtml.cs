using System.Globalization;
using Likeperson.Assignments;
using Likeperson.Database;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// One assignment (`/assignments/{id}`): its facts, its overdue-contact flag, its history (recorded activities newest first,
/// with its creation and completion), and the actions the caller may take, decided as the SQL functions decide: the
/// chapter's coordinators and the org admins move the status forward and edit the notes (assignment_update, with the
/// version the page showed); they and the assignment's own mentor record a contact or other activity (activity_record).
/// The page reads the assignment and its activities with its frame in one round trip (<see cref="AssignmentDetail.Read"/>);
/// anything the caller may not see is the same not-found page (404) as an id that does not exist. A refused form shows
/// the page as it is now with the message, the field's error next to it and what was typed kept.
/// </summary>
public sealed class AssignmentModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public const int TextLimit = 2000;

    /// <summary>The kinds offered when recording (activity_record takes any 1 to 50 characters; these have texts).</summary>
    public static readonly string[] Kinds = ["contact", "phone", "meeting", "message", "other"];

    /// <summary>The modes activity_record takes (the assignment_activities_mode_valid rule), in the order offered.</summary>
    public static readonly string[] Modes = ["in_person", "phone", "video", "written"];

    public override string Nav => Viewer?.Supervises == true ? "board" : "my";
    public override string Topics => "assignments,notifications";
    public AssignmentDetail? Detail { get; private set; }
    public AssignmentResponse A => Detail!.Assignment;
    public string? Done { get; private set; }

    /// <summary>Which form was refused ("activity", "notes", "status"), to show it again with its values and errors.</summary>
    public string? RefusedForm { get; private set; }
    public Dictionary<string, string> FieldErrors { get; } = [];
    public string? TypedDate { get; private set; }
    public string? TypedTime { get; private set; }
    public string? TypedKind { get; private set; }
    public string? TypedNote { get; private set; }
    public string? TypedDuration { get; private set; }
    public string? TypedParticipants { get; private set; }
    public string? TypedMode { get; private set; }
    public string? TypedNotes { get; private set; }

    public bool Self => Detail?.Assignment.PeerMentorId == Me;
    public bool Closed => Detail?.Assignment.Status == AssignmentStatus.Completed;
    public bool CanAdvance => Detail?.Manages == true && !Closed;
    public bool CanEditNotes => Detail?.Manages == true && !Closed;
    public bool CanRecord => (Detail?.Manages == true || Self) && !Closed && !MentorNotActive;

    /// <summary>The mentor is paused or inactive: activity_record refuses new activities (peer_mentor_not_active).</summary>
    public bool MentorNotActive => Detail?.MentorStatus is { } status && status != "active" && !Closed;

    /// <summary>Now in the organisation's time zone: the default of the activity's date and time.</summary>
    public DateTime LocalNow => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), L.Zone).DateTime;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        Detail = await ReadAsync(AssignmentDetail.Read(id, clock.GetUtcNow()));
        if (Detail is null)
        {
            Response.StatusCode = 404;
            Error = L["assignment.not_found"];
            return Page();
        }
        StreamPosition = Detail.StreamPosition;
        Done = Request.Query["done"].ToString() switch
        {
            "pending" => L["assignment.pending_done"],
            "completed" => L["assignment.completed_done"],
            "notes" => L["assignment.notes_done"],
            "recorded" => L["assignment.recorded_done"],
            _ => null,
        };
        return Page();
    }

    public Task<IActionResult> OnPostStatusAsync(Guid id, int version, string? status, CancellationToken ct) =>
        ChangeAsync(id, "status", status is "pending" or "completed" ? status : "invalid",
            () => AssignmentChanges.UpdateAsync(Db, Me, id, new AssignmentPatch(status, false, null), version, clock.GetUtcNow(), ct));

    public Task<IActionResult> OnPostNotesAsync(Guid id, int version, string? notes, CancellationToken ct)
    {
        TypedNotes = notes;
        return ChangeAsync(id, "notes", "notes",
            () => AssignmentChanges.UpdateAsync(Db, Me, id, new AssignmentPatch(null, true, Validation.Clean(notes)), version, clock.GetUtcNow(), ct));
    }

    public Task<IActionResult> OnPostActivityAsync(Guid id, [FromForm(Name = "occurred_date")] string? date,
        [FromForm(Name = "occurred_time")] string? time, string? kind, string? note,
        [FromForm(Name = "duration_minutes")] string? duration, string? participants, string? mode, CancellationToken ct)
    {
        (TypedDate, TypedTime, TypedKind, TypedNote) = (date, time, kind, note);
        (TypedDuration, TypedParticipants, TypedMode) = (duration, participants, mode);
        var measures = new ActivityMeasures(Count(duration), Count(participants), string.IsNullOrWhiteSpace(mode) ? null : mode);
        return ChangeAsync(id, "activity", "recorded",
            () => AssignmentChanges.RecordActivityAsync(Db, Me, id, OccurredAt(date, time), kind, note, measures, clock.GetUtcNow(), ct));
    }

    /// <summary>
    /// A typed whole number; null when left empty (not given). Text that is no whole number (or too large) becomes 0, which
    /// activity_record refuses naming the field, so its bounds stay the one rule.
    /// </summary>
    private static int? Count(string? typed) =>
        string.IsNullOrWhiteSpace(typed) ? null : int.TryParse(typed.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>The moment a date and a time of day name in the organisation's time zone; null when they name none (activity_record refuses that).</summary>
    private DateTimeOffset? OccurredAt(string? date, string? time)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            || !TimeOnly.TryParseExact(time, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return null;
        var local = d.ToDateTime(t, DateTimeKind.Unspecified);
        if (L.Zone.IsInvalidTime(local)) return null; // inside a spring-forward gap
        return new DateTimeOffset(local, L.Zone.GetUtcOffset(local));
    }

    private async Task<IActionResult> ChangeAsync(Guid id, string form, string done, Func<Task> change)
    {
        Problem? refusal = null;
        if (await TryAsync(async () =>
            {
                try { await change(); }
                catch (Exception e) { refusal = ProblemMapping.Map(e); throw; }
            }))
            return LocalRedirect($"/assignments/{id}?done={done}");
        var error = refusal?.Code switch
        {
            "version_mismatch" => L["assignment.changed"],
            "peer_mentor_not_active" => L["assignment.mentor_not_active"],
            _ => Error,
        };
        var page = await OnGetAsync(id);
        if (Detail is null) return page;
        (Error, RefusedForm, Done) = (error, form, null);
        foreach (var (field, messages) in refusal?.Errors ?? new Dictionary<string, string[]>())
            FieldErrors[field] = L[$"assignment.error.{field}"] is var text && text != $"assignment.error.{field}" ? text : string.Join(" ", messages);
        return page;
    }

    /// <summary>The error of a field of the refused form, if any (shown next to it and linked by aria-describedby).</summary>
    public string? FieldError(string form, string field) => RefusedForm == form && FieldErrors.TryGetValue(field, out var e) ? e : null;

    /// <summary>A kind's text, or the kind itself when it has none (the API takes any kind).</summary>
    public string KindText(string kind) => L["activity.kind." + kind] is var text && text != "activity.kind." + kind ? text : kind;

    /// <summary>An activity's measures in words ("45 min · 2 participants · Phone"); null when it has only the default.</summary>
    public string? MeasuresText(ActivityItem x)
    {
        var parts = new List<string>();
        if (x.DurationMinutes is { } minutes) parts.Add(L.Format("activity.duration_text", minutes));
        if (x.Participants != 1) parts.Add(L.Format("activity.participants_text", x.Participants));
        if (x.Mode is { } mode) parts.Add(L["activity.mode." + mode]);
        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    /// <summary>The history, newest first: the recorded activities, the creation and (once completed) the completion.</summary>
    public IEnumerable<HistoryEntry> History()
    {
        var entries = Detail!.Activities.Items
            .Select(x => new HistoryEntry(x.OccurredAt, KindText(x.Kind), x.Note, x.RecordedByDisplayName, x.Id.ToString(), MeasuresText(x)))
            .Append(new HistoryEntry(A.CreatedAt, L["assignment.history_created"], null, Detail.CreatedByName, "created"));
        if (A.ClosedAt is { } closed) entries = entries.Append(new HistoryEntry(closed, L["assignment.history_completed"], null, Detail.ClosedByName, "completed"));
        return entries.OrderByDescending(e => e.At);
    }
}

/// <summary>One line of an assignment's history.</summary>
public sealed record HistoryEntry(DateTime At, string What, string? Note, string? By, string Key, string? Measures = null);
