using System.Text.Json.Nodes;

namespace Likeperson.Web;

/// <summary>
/// What makes the web UI an installable app that receives push: the web app manifest (in the visitor's language) and the
/// service worker, at the site's root so that its scope is the whole site (Web/wwwroot/sw.js). Both are served without a
/// version in the URL and revalidated on every use (no-cache), so an update reaches installed apps at their next start.
/// </summary>
public static class InstallableApp
{
    public const string ThemeColor = "#10243e";
    public const string BackgroundColor = "#ffffff";

    public static void MapInstallableApp(this WebApplication app)
    {
        app.MapGet("/manifest.webmanifest", (HttpContext http, Lang lang) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Text(Manifest(lang).ToJsonString(), "application/manifest+json; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/sw.js", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(WebAssets.Content("sw.js")!, "text/javascript; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
    }

    public static JsonObject Manifest(Lang lang) => new()
    {
        ["name"] = lang["app.name"],
        ["short_name"] = "Likeperson",
        ["description"] = lang["app.description"],
        ["lang"] = lang.Code,
        ["id"] = "/",
        ["start_url"] = "/",
        ["scope"] = "/",
        ["display"] = "standalone",
        ["theme_color"] = ThemeColor,
        ["background_color"] = BackgroundColor,
        ["icons"] = new JsonArray(
            Icon("icons/icon-192.png", "192x192", "any"),
            Icon("icons/icon-512.png", "512x512", "any"),
            Icon("icons/maskable-512.png", "512x512", "maskable")),
    };

    private static JsonObject Icon(string asset, string sizes, string purpose) =>
        new() { ["src"] = "/assets/" + asset, ["sizes"] = sizes, ["type"] = "image/png", ["purpose"] = purpose };
}
