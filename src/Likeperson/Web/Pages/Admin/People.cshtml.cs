using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>
/// `/admin/people` (org admin): the organisation's people by name with their roles per chapter, org admin and
/// certification date, filtered by chapter and a name search, paged; and "add a person" (display name, org admin,
/// memberships chapter × role, certification date) through <see cref="PeopleApi.CreateAsync"/>.
/// </summary>
public sealed class PeopleModel(Db db, Lang lang, OrgAccess access) : AdminPage(db, lang, access)
{
    protected override string[] FieldOrder => ["display_name", "memberships", "certification_expires_at"];
    public List<ChapterSummary> Chapters { get; private set; } = [];
    public IReadOnlyList<PersonSummary> People { get; private set; } = [];
    public string? NextCursor { get; private set; }
    [BindProperty(SupportsGet = true, Name = "chapter_id")] public Guid? ChapterId { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    /// <summary>What was typed into the refused "add a person" form.</summary>
    public MembershipForm Typed { get; private set; } = MembershipForm.Empty;

    public string Url(string? cursor) => $"/admin/people?chapter_id={ChapterId}&q={Uri.EscapeDataString(Search ?? "")}"
        + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");

    public async Task<IActionResult> OnGetAsync()
    {
        Statement<Page<PersonSummary>> people;
        try { people = PeopleList.Page(ChapterId, Search, PageSize, Cursor); }
        catch (ApiException) { (Cursor, people) = (null, PeopleList.Page(ChapterId, Search, PageSize, null)); } // a cursor we never issued: the first page
        var (chapters, page) = await ReadAsync(ChapterList.WithCounts(), people);
        if (!Viewer.OrgAdmin) return ForbiddenPage();
        (Chapters, People, NextCursor) = (chapters, page.Items, page.NextCursor);
        if (Request.Query["done"] == "added") Done = L.Format("admin.people.added", Request.Query["name"].ToString());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "display_name")] string? displayName, [FromForm(Name = "org_admin")] bool orgAdmin,
        [FromForm(Name = "membership")] string[] membership, [FromForm(Name = "certification_expires_at")] DateOnly? certification,
        CancellationToken ct)
    {
        var typed = new MembershipForm(displayName, orgAdmin, membership, certification);
        PersonResponse? added = null;
        if (await SubmitAsync("person", async () => added = await PeopleApi.CreateAsync(Access, User, await OrganizationIdAsync(ct),
                new CreatePersonRequest(displayName, orgAdmin, MembershipForm.Parse(membership), certification), ct)))
            return LocalRedirect($"/admin/people?done=added&name={Uri.EscapeDataString(added!.DisplayName)}");
        var error = Error;
        (ChapterId, Search, Cursor) = (null, null, null);
        var page = await OnGetAsync();
        if (Forbidden) return page;
        (Error, Typed) = (error, typed);
        return page;
    }
}

/// <summary>
/// The membership checkboxes as posted (`membership` = `{chapter_id}:{role}`, one per ticked box) and the other typed values.
/// A value that is not of that shape becomes an empty membership, which the feature refuses with its own message.
/// </summary>
public sealed record MembershipForm(string? DisplayName, bool OrgAdmin, string[] Memberships, DateOnly? Certification)
{
    public static readonly MembershipForm Empty = new(null, false, [], null);

    public bool Has(Guid chapter, ChapterRole role) => Memberships.Contains(Value(chapter, role));

    public static string Value(Guid chapter, ChapterRole role) => $"{chapter}:{SnakeCase.Of(role)}";

    public static MembershipRequest[] Parse(string[] values) => values.Select(value =>
    {
        var parts = value.Split(':');
        ChapterRole? role = parts.Length == 2 ? Enum.GetValues<ChapterRole>().Where(r => SnakeCase.Of(r) == parts[1]).Cast<ChapterRole?>().FirstOrDefault() : null;
        return new MembershipRequest(parts.Length == 2 && Guid.TryParse(parts[0], out var chapter) ? chapter : null, role);
    }).ToArray();
}

/// <summary>What the memberships grid (_Memberships) shows: every chapter, the ticked boxes, the page's field errors.</summary>
public sealed record MembershipGrid(AdminPage Page, IReadOnlyList<(Guid Id, string Name)> Chapters, MembershipForm Form);
