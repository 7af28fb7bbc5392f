using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>`/admin/chapters` (org admin): the organisation's chapters with their mentor and coordinator counts; create one.</summary>
public sealed class ChaptersModel(Db db, Lang lang, OrgAccess access) : AdminPage(db, lang, access)
{
    protected override string[] FieldOrder => ["name"];
    public List<ChapterSummary> Chapters { get; private set; } = [];
    public string? TypedName { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Chapters = await ReadAsync(ChapterList.WithCounts());
        if (!Viewer.OrgAdmin) return ForbiddenPage();
        if (Request.Query["done"] == "created") Done = L.Format("admin.chapters.created", Request.Query["name"].ToString());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? name, CancellationToken ct)
    {
        ChapterResponse? created = null;
        if (await SubmitAsync("chapter", async () =>
                created = await OrganizationsApi.CreateChapterAsync(Access, User, await OrganizationIdAsync(ct), new CreateChapterRequest(name), ct)))
            return LocalRedirect($"/admin/chapters?done=created&name={Uri.EscapeDataString(created!.Name)}#chapter-{created.Id}");
        var (error, typed) = (Error, name);
        var page = await OnGetAsync();
        if (Forbidden) return page;
        (Error, TypedName) = (error, typed);
        return page;
    }
}
