using Likeperson.Auth;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Likeperson.Web;

/// <summary>
/// The web UI: server-rendered Razor Pages (Web/Pages) that call the features in-process as the signed-in person, the
/// same functions the endpoints call (one way for data). The session cookie names the person; the page script listens
/// to the API's own event stream (`/api/v1/events`), which accepts the session cookie as well as a bearer token.
/// </summary>
public static class WebModule
{
    public const string CookieScheme = "LikepersonWeb";
    public const string Policy = "web";

    public static IServiceCollection AddWebUi(this IServiceCollection services, IConfiguration config)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web/Pages";
            o.Conventions.AuthorizeFolder("/", Policy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/SignInUnlinked");
            o.Conventions.AllowAnonymousToPage("/Invite");
        }).AddApplicationPart(typeof(WebModule).Assembly); // the pages live in this assembly even when a test host is the entry point
        services.AddHttpContextAccessor();
        services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "lp_session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/signin";
            o.SlidingExpiration = false; // a session ends at the time it was given when it started
            o.Events.OnRedirectToLogin = context =>
            {
                // The API (the event stream) answers 401 itself; only pages send a stranger to sign in.
                if (context.Request.Path.StartsWithSegments("/api")) return Task.CompletedTask;
                // A session cookie that no longer opens a session (its time is up): say so, and forget it.
                if (context.Request.Cookies.ContainsKey(context.Options.Cookie.Name!))
                {
                    context.Response.Cookies.Delete(context.Options.Cookie.Name!);
                    context.Response.Redirect("/signin?expired=1");
                    return Task.CompletedTask;
                }
                context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser())
            // The event stream: a bearer token (API clients) or the web session (the pages' script, same origin).
            .AddPolicy(StreamPolicy, p => p.AddAuthenticationSchemes(BearerAuthentication.SchemeName, CookieScheme).RequireAuthenticatedUser());
        services.AddScoped<Lang>();
        return services;
    }

    public const string StreamPolicy = "bearer-or-web";

    /// <summary>Maps the pages, their assets, the language switch, sign-out and `GET /api/v1/me`.</summary>
    public static void MapWebUi(this WebApplication app, RouteGroupBuilder api)
    {
        api.MapWhoAmIApi();
        app.MapWebAssets();
        app.MapInstallableApp();
        app.MapPost("/language", LanguageSwitch).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery, Database.Db db) =>
        {
            if (!await FormIsGenuineAsync(http, antiforgery)) return Results.BadRequest();
            var idToken = await WebSession.ProviderIdTokenAsync(http);
            await WebSession.SignOutAsync(http, db);
            return await ProviderSignIn.SignOutAtProviderAsync(http, idToken) ? Results.Empty : Results.LocalRedirect("/signin");
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapProviderSignIn();
        app.MapRazorPages();
    }

    /// <summary>
    /// A path on this site that is safe to redirect to: one leading slash, then printable ASCII without a backslash (a
    /// browser reads `/\evil` or `//evil` as another host, and a control or non-ASCII character cannot go into a header).
    /// </summary>
    public static bool IsLocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || url[1] != '/')
        && url.All(c => c is > ' ' and < '\u007f' and not '\\');

    /// <summary>
    /// The form was posted from one of our pages (its antiforgery token matches the cookie and the session's person): these
    /// endpoints are outside Razor Pages, which check it themselves, and outside the session's scheme, so both are read here.
    /// </summary>
    private static async Task<bool> FormIsGenuineAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!http.Request.HasFormContentType) return false;
        if (await http.AuthenticateAsync(CookieScheme) is { Succeeded: true } session) http.User = session.Principal;
        return await antiforgery.IsRequestValidAsync(http);
    }

    /// <summary>
    /// Stores the chosen language (nb or en) in a cookie for a year, and for a signed-in person as the language of their
    /// notifications, and goes back where the person was.
    /// </summary>
    private static async Task<IResult> LanguageSwitch(HttpContext http, IAntiforgery antiforgery, Database.Db db)
    {
        if (!await FormIsGenuineAsync(http, antiforgery)) return Results.BadRequest();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var lang = Lang.Normalize(form["lang"]) ?? "en";
        // A signed-in person's notifications follow the language they choose here.
        if (http.User.Identities.Any(i => i.AuthenticationType == CookieScheme))
            await PersonLanguage.SetAsync(db, http.User.PersonId(), lang, onlyIfUnset: false, http.RequestAborted);
        http.Response.Cookies.Append(Lang.CookieName, lang,
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
        var back = form["return_url"].ToString();
        return Results.LocalRedirect(IsLocalPath(back) ? back : "/");
    }
}
