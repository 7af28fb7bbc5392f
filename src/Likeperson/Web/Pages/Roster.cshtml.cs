using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages;

/// <summary>
/// The paused roster: paused and pending mentors in the caller's scope, newest pause first, filtered by chapter and paged
/// by cursor. The filter and the pager swap only the results (htmx, with a skeleton meanwhile) and keep the URL current.
/// </summary>
public sealed class RosterModel(LoopbackApi api, Lang lang) : AppPage(api, lang)
{
    public const int PageSize = 20;

    public override string Nav => "roster";
    public override string Topics => "mentors,notifications";
    public List<RosterItemDto> Items { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public List<ChapterDto> Chapters { get; private set; } = [];
    [BindProperty(SupportsGet = true, Name = "chapter_id")] public Guid? ChapterId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!User.Supervises()) return LocalRedirect("/my");
        var query = $"roster/paused?limit={PageSize}" + (ChapterId is { } c ? $"&chapter_id={c}" : "")
                    + (Cursor is { Length: > 0 } ? "&cursor=" + Uri.EscapeDataString(Cursor) : "");
        var rosterTask = Api.GetAsync<PageDto<RosterItemDto>>(query, ct);
        var meTask = IsFragment ? null : Api.GetAsync<WhoAmIResponse>("me", ct);
        var roster = await rosterTask;
        if (roster.Ok && roster.Value is not null) (Items, NextCursor) = (roster.Value.Items, roster.Value.NextCursor);
        else if (roster.Status == System.Net.HttpStatusCode.NotFound && roster.Code is null) Error = L["roster.unavailable"];
        else ShowProblem(roster);
        if (meTask is not null && (await meTask).Value is { } me)
            Chapters = await ChaptersInScopeAsync(me, ct);
        return Page();
    }

    /// <summary>A coordinator filters by the chapters they coordinate; an org admin by any chapter of the organisation.</summary>
    private async Task<List<ChapterDto>> ChaptersInScopeAsync(WhoAmIResponse me, CancellationToken ct)
    {
        if (me.Roles.Contains("org_admin"))
            return (await Api.GetAsync<PageDto<ChapterDto>>($"organizations/{me.Organization.Id}/chapters", ct)).Value?.Items ?? [];
        return me.Chapters.Where(c => c.Roles.Contains("coordinator")).Select(c => new ChapterDto(c.Id, c.Name)).ToList();
    }

    public string KindText(RosterItemDto r) => r.Kind switch
    {
        "certification_expired" => L["badge.cert"],
        "coordinator" => L["roster.kind.coordinator"],
        _ => L["roster.kind.voluntary"],
    };
}
