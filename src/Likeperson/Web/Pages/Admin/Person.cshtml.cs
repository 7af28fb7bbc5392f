using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Mentors;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>
/// `/admin/people/{id}` (org admin): a person's details; replace their memberships (<see cref="PeopleApi.ReplaceMembershipsAsync"/>);
/// for a peer mentor the certification date through the same renewal transition as the mentor page
/// (<see cref="MentorTransition.Certification"/>) and a link to their mentor page.
/// </summary>
public sealed class PersonModel(Db db, Lang lang, OrgAccess access, TimeProvider clock, AuthSettings auth) : AdminPage(db, lang, access)
{
    /// <summary>Invitations and linked identities (<see cref="PersonSignInPanel"/>); a new link is shown once, right after it was made.</summary>
    public PersonSignInPanel? SignIn { get; private set; }

    protected override string[] FieldOrder => ["memberships", "expires_at"];
    public PersonSummary? Person { get; private set; }
    public List<ChapterSummary> Chapters { get; private set; } = [];

    /// <summary>The memberships as shown: the person's own, or what was ticked in a refused form.</summary>
    public MembershipForm Form { get; private set; } = MembershipForm.Empty;

    public DateOnly? TypedExpiry { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var (chapters, person) = await ReadAsync(ChapterList.WithCounts(), PeopleList.One(id));
        if (!Viewer.OrgAdmin) return ForbiddenPage();
        (Chapters, Person) = (chapters, person);
        if (person is null)
        {
            Response.StatusCode = 404;
            Error = L["admin.person.not_found"];
            return Page();
        }
        SignIn = await PersonSignInPanel.ReadAsync(Db, Me, await OrganizationIdAsync(HttpContext.RequestAborted), id, HttpContext.RequestAborted);
        Form = new MembershipForm(person.DisplayName, person.OrgAdmin,
            person.Memberships.Select(m => MembershipForm.Value(m.ChapterId, m.Role)).ToArray(), null);
        Done = Request.Query["done"].ToString() switch
        {
            "memberships" => L["admin.person.memberships_saved"],
            "certified" => L["mentor.certified_done"],
            "unlinked" => L["person_signin.unlinked_done"],
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostMembershipsAsync(Guid id, [FromForm(Name = "membership")] string[] membership, CancellationToken ct)
    {
        if (await SubmitAsync("memberships", async () => await PeopleApi.ReplaceMembershipsAsync(Access, User, await OrganizationIdAsync(ct), id,
                new ReplaceMembershipsRequest(MembershipForm.Parse(membership)), ct)))
            return LocalRedirect($"/admin/people/{id}?done=memberships");
        return await RefusedAsync(id, () => Form = Form with { Memberships = membership });
    }

    public async Task<IActionResult> OnPostCertificationAsync(Guid id, int version, [FromForm(Name = "expires_at")] DateOnly? expiresAt,
        CancellationToken ct)
    {
        if (await SubmitAsync("certification", () => MentorTransitions.ApplyAsync(Db, Me, id, MentorTransition.Certification(expiresAt), version,
                clock.GetUtcNow(), ct)))
            return LocalRedirect($"/admin/people/{id}?done=certified");
        return await RefusedAsync(id, () => TypedExpiry = expiresAt);
    }

    /// <summary>Creates a one-time invitation link and shows the page with it (it is never shown again).</summary>
    public async Task<IActionResult> OnPostInviteAsync(Guid id, CancellationToken ct)
    {
        PersonSignInPanel? invited = null;
        if (!await SubmitAsync("invite", async () => invited = await PersonSignInPanel.InviteAsync(HttpContext, Db, auth, Me,
                await OrganizationIdAsync(ct), id, ct)))
            return await RefusedAsync(id, () => { });
        var page = await OnGetAsync(id);
        SignIn = invited;
        return page;
    }

    /// <summary>Unlinks one of the person's identities: its next request is refused and its sessions and streams end.</summary>
    public async Task<IActionResult> OnPostUnlinkAsync(Guid id, [FromForm(Name = "identity_id")] Guid identityId, CancellationToken ct)
    {
        if (await SubmitAsync("unlink", async () => await PersonSignInPanel.UnlinkAsync(Db, Me, await OrganizationIdAsync(ct), id, identityId, ct)))
            return LocalRedirect($"/admin/people/{id}?done=unlinked");
        return await RefusedAsync(id, () => { });
    }

    /// <summary>The page as it is now, with the refusal's message and field errors and what was typed.</summary>
    private async Task<IActionResult> RefusedAsync(Guid id, Action keepTyped)
    {
        var (error, errors) = (Error, FieldErrors.ToDictionary());
        var page = await OnGetAsync(id);
        if (Forbidden || Person is null) return page;
        Error = error;
        foreach (var (field, text) in errors) FieldErrors[field] = text;
        keepTyped();
        Response.StatusCode = 200;
        return page;
    }
}
