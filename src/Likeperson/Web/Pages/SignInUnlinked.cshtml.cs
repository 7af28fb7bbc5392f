using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages;

/// <summary>
/// Where an identity that signed in at the provider but is linked to no person lands: how to get an invitation, and no
/// data (no session was started).
/// </summary>
public sealed class SignInUnlinkedModel : PageModel
{
    public void OnGet() { }
}
