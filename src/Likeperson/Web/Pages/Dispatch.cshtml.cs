using System.Text.Json;
using Likeperson.Assignments;
using Likeperson.Database;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>One row of the dispatch form: a mentor, a contact, the status to start in and notes, as typed.</summary>
public sealed class DispatchRow
{
    public Guid? PeerMentorId { get; set; }
    public Guid? ContactId { get; set; }
    public string? Status { get; set; }
    public string? Notes { get; set; }

    public bool Blank => PeerMentorId is null && ContactId is null && string.IsNullOrWhiteSpace(Notes);
}

/// <summary>
/// Dispatch (`/assignments/new`, coordinators and org admins): one assignment or several at once, rows of mentor ×
/// contact. The choices (active mentors the caller supervises with their open and pending count, the contacts of the
/// caller's chapters) come with the page's frame in one round trip. "Add a row" and "Remove" are plain submit buttons,
/// so the form works without script. Creating calls the batch endpoint's own function (<see cref="AssignmentBatch"/>),
/// in-process: all or nothing; a refusal shows the form again with every failing row's error next to its field.
/// </summary>
public sealed class DispatchModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    /// <summary>Rows one form may hold (the API takes 500; the confirmation's address lists the created ids).</summary>
    public const int MaxRows = 50;
    public const int NotesLimit = 2000;

    public override string Nav => "board";
    public override string Topics => "notifications";

    [BindProperty] public List<DispatchRow> Rows { get; set; } = [];
    [BindProperty(SupportsGet = true, Name = "chapter_id")] public Guid? ChapterId { get; set; }

    public DispatchChoicesResult Choices { get; private set; } = new([], [], [], []);

    /// <summary>The caller may not dispatch (a peer mentor): the page says so instead of offering a form.</summary>
    public bool NotAllowed => !Viewer.Supervises;

    /// <summary>Field errors by element id (`row-2-peer_mentor_id`), in the page's language.</summary>
    public Dictionary<string, string> FieldErrors { get; } = [];

    public string? FirstError { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "created")] string? created)
    {
        var ids = (created ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Take(MaxRows).ToArray();
        Rows = [new DispatchRow()];
        return await ShowAsync(ids);
    }

    public Task<IActionResult> OnPostAddRowAsync()
    {
        if (Rows.Count == 0) Rows.Add(new DispatchRow());
        if (Rows.Count < MaxRows) Rows.Add(new DispatchRow());
        return ShowAsync([], focusRow: Rows.Count - 1);
    }

    public Task<IActionResult> OnPostRemoveRowAsync(int row)
    {
        if (row >= 0 && row < Rows.Count && Rows.Count > 1) Rows.RemoveAt(row);
        return ShowAsync([], focusRow: Math.Clamp(row, 0, Rows.Count - 1));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Rows.Count == 0) Rows.Add(new DispatchRow());
        if (Rows.Count > MaxRows) Rows = Rows[..MaxRows];
        // Blank rows (added and left empty) are left out; each item remembers its row for the errors.
        var rowOf = Enumerable.Range(0, Rows.Count).Where(i => !Rows[i].Blank).DefaultIfEmpty(0).ToArray();
        var items = rowOf.Select(i => new CreateAssignmentRequest(Rows[i].PeerMentorId, Rows[i].ContactId,
            Rows[i].Status switch { "pending" => AssignmentStatus.Pending, "completed" => AssignmentStatus.Completed, _ => AssignmentStatus.Open },
            Rows[i].Notes)).ToList();
        string? json = null;
        Exception? refusal = null;
        if (await TryAsync(async () =>
            {
                try { json = await Db.AsPersonAtOnceAsync(Me, AssignmentBatch.Create(AssignmentBatch.Checked(items), clock.GetUtcNow()), ct); }
                catch (Exception e) { refusal = e; throw; }
            }))
        {
            var ids = JsonDocument.Parse(json!).RootElement.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString());
            return LocalRedirect($"/assignments/new?created={string.Join(',', ids)}" + (ChapterId is { } c ? $"&chapter_id={c}" : ""));
        }
        ShowRefusal(refusal!, rowOf);
        return await ShowAsync([]);
    }

    /// <summary>Puts each `items[i].field` error next to its row's field, translated by its code where the UI has a text.</summary>
    private void ShowRefusal(Exception refusal, int[] rowOf)
    {
        var problem = ProblemMapping.Map(refusal);
        var codes = ProblemMapping.FieldCodes(refusal);
        foreach (var (key, messages) in problem.Errors ?? new Dictionary<string, string[]>())
        {
            if (!TryParseItemField(key, out var item, out var field) || item >= rowOf.Length) continue;
            var code = codes.TryGetValue(key, out var c) ? c : problem.Code == "validation_failed" && refusal is ApiException ? "required" : null;
            var id = $"row-{rowOf[item]}-{field}";
            FieldErrors[id] = Text($"dispatch.error.{code}.{field}") ?? Text($"dispatch.error.{code}") ?? Text($"problem.{code}")
                ?? string.Join(" ", messages);
            FirstError ??= id;
        }
        if (FieldErrors.Count > 0)
            Error = L.Format("dispatch.refused", string.Join(", ", FieldErrors.Keys.Select(k => int.Parse(k.Split('-')[1]) + 1).Distinct().Order()));
    }

    private string? Text(string key) => L[key] is var t && t != key ? t : null;

    private static bool TryParseItemField(string key, out int item, out string field)
    {
        (item, field) = (0, "");
        var close = key.IndexOf("].", StringComparison.Ordinal);
        if (!key.StartsWith("items[") || close < 0 || !int.TryParse(key.AsSpan(6, close - 6), out item)) return false;
        field = key[(close + 2)..];
        return field is "peer_mentor_id" or "contact_id" or "status" or "notes";
    }

    /// <summary>Which row's mentor select gets the focus when no error does (after adding or removing a row).</summary>
    public int? FocusRow { get; private set; }

    private async Task<IActionResult> ShowAsync(Guid[] created, int? focusRow = null)
    {
        FocusRow = focusRow;
        Choices = await ReadAsync(DispatchChoices.Read(ChapterId,
            Rows.Select(r => r.PeerMentorId).OfType<Guid>().ToArray(), Rows.Select(r => r.ContactId).OfType<Guid>().ToArray(), created));
        if (NotAllowed)
        {
            Response.StatusCode = 403;
            Error = null;
        }
        return Page();
    }

    public string? FieldError(int row, string field) => FieldErrors.GetValueOrDefault($"row-{row}-{field}");

    public string ChapterName(Guid id) => Choices.Chapters.FirstOrDefault(c => c.Id == id)?.Name ?? "";
}
