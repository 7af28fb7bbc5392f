using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

public sealed record BoardRow(AssignmentDto Assignment, MentorDto? Mentor, ContactDto? Contact);

/// <summary>
/// The assignment board: the coordinator's assignments by status. The page remembers the list's stream position; the
/// script resumes the event stream from it and replaces single rows (`?handler=row`) as events arrive.
/// </summary>
public sealed class BoardModel(LoopbackApi api, Lang lang) : AppPage(api, lang)
{
    public static readonly string[] Statuses = ["open", "pending", "completed"];

    public override string Nav => "board";
    public override string Topics => "assignments,mentors,notifications";
    public List<BoardRow> Rows { get; private set; } = [];
    public bool More { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!User.Supervises()) return LocalRedirect("/my");
        var page = await Api.GetAsync<AssignmentPageDto>("assignments?limit=200", ct);
        if (!page.Ok || page.Value is null) { ShowProblem(page); return Page(); }
        StreamPosition = page.Value.StreamPosition;
        More = page.Value.NextCursor is not null;
        Rows = await WithNamesAsync(page.Value.Items, ct);
        return Page();
    }

    /// <summary>One row as it is now (the script swaps it in when its version is newer than the one shown).</summary>
    public async Task<IActionResult> OnGetRowAsync(Guid id, CancellationToken ct)
    {
        var one = await Api.GetAsync<AssignmentDto>($"assignments/{id}", ct);
        if (!one.Ok || one.Value is null) return NotFound();
        return Partial("_AssignmentRow", (await WithNamesAsync([one.Value], ct))[0]);
    }

    /// <summary>Mentor (name, status) and contact names, each distinct one fetched once, in parallel.</summary>
    private async Task<List<BoardRow>> WithNamesAsync(List<AssignmentDto> items, CancellationToken ct)
    {
        var mentors = items.Select(a => a.PeerMentorId).Distinct().ToDictionary(id => id, id => Api.GetAsync<MentorDto>($"mentors/{id}", ct));
        var contacts = items.Select(a => a.ContactId).Distinct().ToDictionary(id => id, id => Api.GetAsync<ContactDto>($"contacts/{id}", ct));
        await Task.WhenAll(mentors.Values.Cast<Task>().Concat(contacts.Values));
        return items.Select(a => new BoardRow(a, mentors[a.PeerMentorId].Result.Value, contacts[a.ContactId].Result.Value)).ToList();
    }
}
