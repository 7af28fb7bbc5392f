using Likeperson.Assignments;
using Likeperson.Database;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// The assignment board: the coordinator's assignments by status, with each mentor's status, each contact's name and the
/// overdue-contact flag (the follow-up-reminders job's rule, computed in the same statement), each linking to its page,
/// read with the page's frame in one statement round trip (<see cref="AssignmentList.Board"/>). The page remembers the
/// list's stream position; the script resumes the event stream from it and replaces single rows (`?handler=row`, one
/// round trip for the row the event names) as events arrive.
/// </summary>
public sealed class BoardModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public static readonly AssignmentStatus[] Statuses = [AssignmentStatus.Open, AssignmentStatus.Pending, AssignmentStatus.Completed];

    public override string Nav => "board";
    public override string Topics => "assignments,mentors,notifications";
    public IReadOnlyList<BoardRow> Rows { get; private set; } = [];
    public bool More { get; private set; }

    /// <summary>The column a narrow screen shows (`?show=`; open by default); a wide screen shows all three.</summary>
    [BindProperty(SupportsGet = true, Name = "show")] public string? Show { get; set; }

    public string Shown => Statuses.Select(SnakeCase.Of).Contains(Show) ? Show! : "open";

    public async Task<IActionResult> OnGetAsync()
    {
        var board = await ReadAsync(AssignmentList.Board(new AssignmentQuery(Limit: Paging.MaxLimit), clock.GetUtcNow()));
        if (!Viewer.Supervises) return LocalRedirect("/my");
        (Rows, More, StreamPosition) = (board.Rows, board.NextCursor is not null, board.StreamPosition);
        return Page();
    }

    /// <summary>One row as it is now (the script swaps it in when its version is newer than the one shown).</summary>
    public async Task<IActionResult> OnGetRowAsync(Guid id, CancellationToken ct)
    {
        BoardPage? one = null;
        if (!await TryAsync(async () => one = await Db.AsPersonAtOnceAsync(Me, AssignmentList.Board(new AssignmentQuery(Limit: 1, AssignmentId: id), clock.GetUtcNow()), ct))
            || one!.Rows.Count == 0)
            return NotFound();
        return Partial("_AssignmentRow", one.Rows[0]);
    }
}
