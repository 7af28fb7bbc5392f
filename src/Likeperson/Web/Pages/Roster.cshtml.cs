using Likeperson.Database;
using Likeperson.Mentors;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// The paused roster: paused and pending mentors in the caller's scope, overdue first and then sorted by pause start (newest
/// first), expected return (soonest first) or name, filtered by chapter and paged
/// by cursor. The filter and the pager swap only the results (htmx, with a skeleton meanwhile) and keep the URL current.
/// </summary>
public sealed class RosterModel(Db db, Lang lang, TimeProvider clock) : AppPage(db, lang)
{
    public const int PageSize = 20;

    public override string Nav => "roster";
    public override string Topics => "mentors,notifications";
    public IReadOnlyList<RosterItem> Items { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public List<(Guid Id, string Name)> Chapters { get; private set; } = [];
    [BindProperty(SupportsGet = true, Name = "chapter_id")] public Guid? ChapterId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    /// <summary>paused_since (the default), expected_return or name; every sort puts overdue mentors first.</summary>
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }

    public string SortOrDefault => Sort is { Length: > 0 } s && PauseRoster.Sorts.ContainsKey(s) ? s : "paused_since";

    /// <summary>The roster URL with this page's filter and sort (and a cursor).</summary>
    public string Url(string? cursor = null) =>
        $"/roster?chapter_id={ChapterId}&sort={SortOrDefault}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await ReadFrameAsync();
        if (!await TryAsync(async () =>
            {
                var page = await PauseRoster.PageAsync(Db, Me, ChapterId, PageSize, Cursor, clock.GetUtcNow(), ct, SortOrDefault);
                (Items, NextCursor) = (page.Items, page.NextCursor);
            }) && Error is null)
            Error = L["roster.unavailable"];
        if (!IsFragment)
        {
            var me = await WhoAmIApi.ReadAsync(Db, Me, ct);
            if (!me.Roles.Contains("org_admin") && !me.Roles.Contains("coordinator")) return LocalRedirect("/my");
            Chapters = await ChaptersInScopeAsync(me, ct);
        }
        return Page();
    }

    /// <summary>A coordinator filters by the chapters they coordinate; an org admin by any chapter of the organisation.</summary>
    private async Task<List<(Guid, string)>> ChaptersInScopeAsync(WhoAmIResponse me, CancellationToken ct) =>
        me.Roles.Contains("org_admin")
            ? (await OrganizationsApi.ChaptersAsync(Db, Me, me.Organization.Id, ct)).Select(c => (c.Id, c.Name)).ToList()
            : me.Chapters.Where(c => c.Roles.Contains("coordinator")).Select(c => (c.Id, c.Name)).ToList();

    public string KindText(RosterItem r) => r.Kind switch
    {
        PauseKind.CertificationExpired => L["badge.cert"],
        PauseKind.Coordinator => L["roster.kind.coordinator"],
        _ => L["roster.kind.voluntary"],
    };
}
