using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Demo;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages;

/// <summary>
/// Sign-in: the organisation's identity provider (Auth:Oidc:*, <see cref="ProviderSignIn"/>) when configured. In Development
/// (and the tests' host) a pasted HS256 bearer token, validated as the API validates it, starts a session that ends when the
/// API would stop accepting the token (a system admin's subject starts a system-admin session, which only creates
/// organisations), and in Development the demo people and the demo system admin are listed too, each a button that signs in.
/// </summary>
public sealed class SignInModel(Db db, Lang lang, IWebHostEnvironment env, AuthSettings auth, TimeProvider clock) : PageModel
{
    public string? Error { get; private set; }
    public bool Expired => Request.Query.ContainsKey("expired");
    /// <summary>Sign-in at the provider did not complete (cancelled there, or a stale flow).</summary>
    public bool Failed => Request.Query.ContainsKey("failed");
    /// <summary>The provider's button label (Auth:Oidc:DisplayName), when web sign-in through a provider is configured.</summary>
    public string? Provider => auth.Oidc?.DisplayName;
    public bool TokenAllowed => WebSession.TokenSignInAllowed(env);
    public IReadOnlyList<DemoData.DemoPerson>? DemoPeople => env.IsDevelopment() ? DemoData.People : null;

    /// <summary>Where the person was going (a deep link such as /mentors/{id}), when it is a local path.</summary>
    public string? ReturnUrl => Request.Query["ReturnUrl"].ToString() is { Length: > 0 } r ? r : null;

    private static string Back(string? returnUrl) => WebModule.IsLocalPath(returnUrl) ? returnUrl! : "/";

    /// <summary>Development, with the demo system admin among Auth:SystemAdmins (appsettings.Development.json): offer it too.</summary>
    public bool DemoSystemAdmin => env.IsDevelopment() && auth.SystemAdmins.Contains(DemoApi.SystemAdminSubject);

    public const string SystemAdminHome = "/admin/organizations";

    public IActionResult OnGet() => User.Identities.Any(i => i.AuthenticationType == WebModule.CookieScheme)
        ? LocalRedirect(User.IsSystemAdmin() ? SystemAdminHome : "/") : Page();

    /// <summary>A token for a system admin's subject starts a system admin's session; one for a person, that person's.</summary>
    public async Task<IActionResult> OnPostAsync([FromForm(Name = "access_token")] string? accessToken, string? returnUrl, CancellationToken ct)
    {
        if (!TokenAllowed) return NotFound();
        if (await WebSession.ReadTokenAsync(accessToken ?? "", auth) is { } token)
        {
            if (auth.SystemAdmins.Contains(token.Subject))
            {
                await WebSession.SignInSystemAdminAsync(HttpContext, token.Subject, token.Until);
                return LocalRedirect(SystemAdminHome);
            }
            if (Guid.TryParse(token.Subject, out var person) && await WebSession.SignInAsync(HttpContext, db, person, token.Until, ct))
                return LocalRedirect(Back(returnUrl));
        }
        Error = lang["signin.refused"];
        Response.StatusCode = 400;
        return Page();
    }

    public async Task<IActionResult> OnPostDemoAsync([FromForm(Name = "person_id")] Guid personId, string? returnUrl, CancellationToken ct)
    {
        if (DemoPeople is null || DemoPeople.All(p => p.Id != personId)) return NotFound();
        if (await WebSession.SignInAsync(HttpContext, db, personId, clock.GetUtcNow() + WebSession.DemoLifetime, ct))
            return LocalRedirect(Back(returnUrl));
        Error = lang["signin.refused"];
        return Page();
    }

    public async Task<IActionResult> OnPostDemoSystemAdminAsync()
    {
        if (!DemoSystemAdmin) return NotFound();
        await WebSession.SignInSystemAdminAsync(HttpContext, DemoApi.SystemAdminSubject, clock.GetUtcNow() + WebSession.DemoLifetime);
        return LocalRedirect(SystemAdminHome);
    }
}
