using Likeperson.Auth;
using Likeperson.Demo;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Likeperson.Web.Pages;

/// <summary>
/// Sign-in: a bearer token from the identity provider is exchanged for a session cookie (the API checks it). In
/// Development the demo people are listed too, each a button that signs in with a freshly minted demo token.
/// </summary>
public sealed class SignInModel(LoopbackApi api, Lang lang, IWebHostEnvironment env, AuthSettings auth) : PageModel
{
    public string? Error { get; private set; }
    public bool Expired => Request.Query.ContainsKey("expired");
    public IReadOnlyList<DemoData.DemoPerson>? DemoPeople => env.IsDevelopment() ? DemoData.People : null;

    /// <summary>Where the person was going (a deep link such as /mentors/{id}), when it is a local path.</summary>
    public string? ReturnUrl => Request.Query["ReturnUrl"].ToString() is { Length: > 0 } r ? r : null;

    private static string Back(string? returnUrl) =>
        returnUrl is { Length: > 1 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\") ? returnUrl : "/";

    public IActionResult OnGet() => User.Identities.Any(i => i.AuthenticationType == WebModule.CookieScheme) ? LocalRedirect("/") : Page();

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "access_token")] string? accessToken, string? returnUrl, CancellationToken ct)
    {
        if (await WebSession.SignInAsync(HttpContext, api, accessToken ?? "", ct) is not null)
            return LocalRedirect(Back(returnUrl));
        Error = lang["signin.refused"];
        Response.StatusCode = 400;
        return Page();
    }

    public async Task<IActionResult> OnPostDemoAsync([FromForm(Name = "person_id")] Guid personId, string? returnUrl, CancellationToken ct)
    {
        if (DemoPeople is null || DemoPeople.All(p => p.Id != personId)) return NotFound();
        var token = auth.Mint(personId.ToString(), TimeSpan.FromHours(12));
        if (await WebSession.SignInAsync(HttpContext, api, token, ct) is not null)
            return LocalRedirect(Back(returnUrl));
        Error = lang["signin.refused"];
        return Page();
    }
}
