using Likeperson.Organizations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Likeperson.Web;

/// <summary>
/// The web UI: server-rendered Razor Pages (Web/Pages) that call the server's own /api/v1 over loopback with the
/// signed-in person's bearer token, kept inside the encrypted session cookie. So the UI uses exactly the public contract.
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
            o.SlidingExpiration = false; // the session ends with the bearer token inside it
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser());
        services.AddHttpClient(LoopbackApi.ClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient(EventsProxy.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<LoopbackAddress>();
        services.AddScoped<LoopbackApi>();
        services.AddScoped<Lang>();
        return services;
    }

    /// <summary>Maps the pages, their assets, the same-origin event-stream relay, and `GET /api/v1/me`.</summary>
    public static void MapWebUi(this WebApplication app, RouteGroupBuilder api)
    {
        api.MapWhoAmIApi();
        app.MapWebAssets();
        app.MapGet("/web/events", EventsProxy.RelayAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/language", LanguageSwitch).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieScheme);
            return Results.LocalRedirect("/signin");
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorPages();
    }

    /// <summary>Stores the chosen language (nb or en) in a cookie for a year and goes back where the person was.</summary>
    private static IResult LanguageSwitch(HttpContext http)
    {
        var form = http.Request.HasFormContentType ? http.Request.Form : null;
        var lang = Lang.Normalize(form?["lang"]) ?? "en";
        http.Response.Cookies.Append(Lang.CookieName, lang,
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
        var back = form?["return_url"].ToString();
        return Results.LocalRedirect(back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//") ? back : "/");
    }
}
