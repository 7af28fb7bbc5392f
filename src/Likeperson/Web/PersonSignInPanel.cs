using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Organizations;
using Npgsql;

namespace Likeperson.Web;

/// <summary>
/// The sign-in part of the admin's person page (/admin/people/{id}), for that page to host: "Create invitation link" (org
/// admin; coordinator of one of the person's chapters), which shows the new link once, and, for org admins, the person's
/// linked identities with an Unlink button each. The host renders `&lt;partial name="_PersonSignIn" model="…"/&gt;` and answers
/// the partial's two forms with handlers of its own named `invite` and `unlink` (form field `identity_id`) that call
/// <see cref="InviteAsync"/> and <see cref="UnlinkAsync"/> inside its usual refusal handling (AppPage.TryAsync).
/// </summary>
public sealed record PersonSignInPanel(Guid OrganizationId, Guid PersonId, IReadOnlyList<IdentityLinkResponse>? Identities,
    InvitationResponse? NewInvitation = null)
{
    /// <summary>The panel as the caller may see it: identities only for an org admin (null for a coordinator).</summary>
    public static async Task<PersonSignInPanel> ReadAsync(Db db, Guid caller, Guid org, Guid person, CancellationToken ct)
    {
        IReadOnlyList<IdentityLinkResponse>? identities;
        try { identities = await IdentityLinks.ListAsync(db, caller, org, person, ct); }
        catch (PostgresException e) when (e.SqlState == "LP403") { identities = null; } // may invite, not see identities
        return new PersonSignInPanel(org, person, identities);
    }

    public static async Task<PersonSignInPanel> InviteAsync(HttpContext http, Db db, AuthSettings auth, Guid caller, Guid org, Guid person,
        CancellationToken ct)
    {
        var invitation = await Invitations.CreateAsync(http, db, caller, org, person, auth.InvitationDays, ct);
        return await ReadAsync(db, caller, org, person, ct) with { NewInvitation = invitation };
    }

    public static async Task<PersonSignInPanel> UnlinkAsync(Db db, Guid caller, Guid org, Guid person, Guid identity, CancellationToken ct)
    {
        await IdentityLinks.UnlinkAsync(db, caller, org, person, identity, ct);
        return await ReadAsync(db, caller, org, person, ct);
    }
}
