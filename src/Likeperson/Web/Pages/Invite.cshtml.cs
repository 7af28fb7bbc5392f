using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages;

/// <summary>
/// An invitation link: names the organisation and the person, and sends them to sign in at the provider with the code in
/// the flow's protected state; on return the identity is linked (<see cref="ProviderSignIn"/>). A used, expired or unknown
/// code, or an identity already linked to someone else, gets a page that says which, and nothing changes.
/// </summary>
public sealed class InviteModel(Db db, AuthSettings auth) : PageModel
{
    private static readonly string[] Outcomes = ["used", "expired", "unknown", "linked_elsewhere"];

    public InvitationPreview? Preview { get; private set; }
    /// <summary>Why the invitation cannot be used (a key of the texts), or null when it is open.</summary>
    public string? Outcome { get; private set; }
    public string? Provider => auth.Oidc?.DisplayName;

    public async Task<IActionResult> OnGetAsync(string code, string? outcome, CancellationToken ct)
    {
        await ReadAsync(code, ct);
        // What the sign-in's return said (an identity linked elsewhere, or a code used meanwhile) outranks the code's own state.
        if (Outcomes.Contains(outcome)) Outcome = outcome;
        Response.StatusCode = Outcome switch { "unknown" => 404, "used" or "expired" => 410, "linked_elsewhere" => 409, _ => 200 };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string code, CancellationToken ct)
    {
        await ReadAsync(code, ct);
        if (Outcome is not null || auth.Oidc is null) return await OnGetAsync(code, null, ct);
        return Challenge(new AuthenticationProperties { RedirectUri = "/", Items = { [ProviderSignIn.InvitationItem] = code } }, ProviderSignIn.Scheme);
    }

    private async Task ReadAsync(string code, CancellationToken ct)
    {
        Preview = await Invitations.PreviewAsync(db, code, ct);
        Outcome = Preview.State == Invitations.Open ? null : Preview.State;
    }
}
