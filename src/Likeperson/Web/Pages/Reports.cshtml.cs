using Dapper;
using Likeperson.Database;
using Likeperson.Reports;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// The engagement report on screen: period and chapter pickers, the per-mentor table with chapter totals, a chart of
/// active vs paused mentor-days per month, and CSV / xlsx downloads. It calls the endpoint's function in-process
/// (<see cref="EngagementReport.Statement"/>) with the page's frame in one round trip; a mentor gets a 403 page.
/// </summary>
public sealed class ReportsModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public override string Nav => "reports";
    public override string Topics => "notifications";

    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "chapter_id")] public Guid? ChapterId { get; set; }

    public EngagementReport? Report { get; private set; }
    public List<(Guid Id, string Name)> Chapters { get; private set; } = [];
    public bool Forbidden { get; private set; }
    public Dictionary<string, string> FieldErrors { get; } = [];

    public string? FieldError(string field) => FieldErrors.GetValueOrDefault(field);
    public string Invalid(string field) => FieldErrors.ContainsKey(field) ? "true" : "false";
    public bool FocusFirst(string field) => new[] { "from", "to", "chapter_id" }.FirstOrDefault(FieldErrors.ContainsKey) == field;

    public Task<IActionResult> OnGetAsync() => ShowAsync(null);
    public Task<IActionResult> OnGetCsvAsync() => ShowAsync(ReportFiles.Format.Csv);
    public Task<IActionResult> OnGetXlsxAsync() => ShowAsync(ReportFiles.Format.Xlsx);

    private async Task<IActionResult> ShowAsync(ReportFiles.Format? download)
    {
        try
        {
            var report = EngagementReport.Statement(From, To, ChapterId, clock.GetUtcNow());
            (Chapters, Report) = await ReadAsync(new Statement<(List<(Guid, string)>, EngagementReport)>($"{ChaptersSql};\n{report.Sql}",
                report.Parameters, async results => (await ReadChaptersAsync(results), await report.Read(results))));
        }
        catch (Exception e) when (ProblemMapping.Map(e) is { Status: >= 400 and < 500 } problem)
        {
            return await RefusedAsync(problem);
        }
        if (download is { } format)
        {
            var (bytes, type) = ReportFiles.Render(Report!, format, HttpContext);
            return File(bytes, type);
        }
        (From, To) = (Report!.From.ToString("yyyy-MM-dd"), Report.To.ToString("yyyy-MM-dd"));
        return Page();
    }

    /// <summary>The page again, with the refusal: the typed period kept and the message next to its field, or a 403 page.</summary>
    private async Task<IActionResult> RefusedAsync(Problem problem)
    {
        if (problem.Status == 403)
        {
            Forbidden = true;
            Error = L["reports.forbidden"];
            Response.StatusCode = 403;
            return Page();
        }
        Response.StatusCode = problem.Status;
        foreach (var field in problem.Errors?.Keys ?? [])
            FieldErrors[field] = L[$"reports.error.{field}"];
        Error = problem.Status == 404 ? L["reports.error.chapter_id"] : L["reports.refused"];
        if (problem.Status == 404) FieldErrors["chapter_id"] = L["reports.error.chapter_id"];
        Chapters = await ReadAsync(new Statement<List<(Guid, string)>>(ChaptersSql, new DynamicParameters(), ReadChaptersAsync));
        return Page();
    }

    /// <summary>The chapters the caller may report on: an org admin's whole organisation, a coordinator's own chapters.</summary>
    private const string ChaptersSql = """
        SELECT id, name FROM chapters
        WHERE organization_id = (SELECT auth_org_id())
          AND ((SELECT auth_is_org_admin()) OR id = ANY ((SELECT auth_coordinated_chapters())::uuid[]))
        ORDER BY name, id
        """;

    private static async Task<List<(Guid, string)>> ReadChaptersAsync(BatchResults results) =>
        (await results.ReadAsync<ChapterChoice>()).Select(c => (c.Id, c.Name)).ToList();

    private sealed class ChapterChoice
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
    }

    /// <summary>A chapter id as its name (the mentor's chapters outside the caller's scope are left out).</summary>
    public string ChapterNames(Guid[] ids) =>
        string.Join(", ", ids.Select(id => Chapters.FirstOrDefault(c => c.Id == id).Name).Where(n => n is { Length: > 0 }));

    /// <summary>A month "2026-03" in the page's language, e.g. "Mar 2026" / "mar. 2026".</summary>
    public string MonthName(string month) =>
        DateOnly.ParseExact(month + "-01", "yyyy-MM-dd").ToString("MMM yyyy", L.Culture);

    /// <summary>The chart's axis label: the month's short name ("Mar" / "mar").</summary>
    public string ShortMonth(string month) =>
        DateOnly.ParseExact(month + "-01", "yyyy-MM-dd").ToString("MMM", L.Culture).TrimEnd('.');
}
