using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Likeperson.Web;

/// <summary>
/// Serves Web/wwwroot (the site's CSS and script, and htmx copied from npm at build time by scripts/ensure-node.sh)
/// from resources embedded in the assembly, so a published server or a test run needs no files beside it.
/// URLs carry a content hash (`/assets/app.js?v=...`), so they are cached for a year.
/// </summary>
public static class WebAssets
{
    private sealed record Asset(byte[] Content, string ContentType, string Hash);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>An embedded asset's bytes (for the files served at fixed root paths, such as the service worker).</summary>
    public static byte[]? Content(string name) => Assets.TryGetValue(name, out var a) ? a.Content : null;

    public static string Url(string name) => Assets.TryGetValue(name, out var a) ? $"/assets/{name}?v={a.Hash}" : $"/assets/{name}";

    public static void MapWebAssets(this WebApplication app) =>
        app.MapGet("/assets/{*name}", (string name, HttpContext http) =>
        {
            if (!Assets.TryGetValue(name, out var asset)) return Results.NotFound();
            http.Response.Headers.CacheControl = http.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
            return Results.Bytes(asset.Content, asset.ContentType, entityTag: new EntityTagHeaderValue($"\"{asset.Hash}\""));
        }).AllowAnonymous().ExcludeFromDescription();

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "LikepersonWeb/";
        var assets = new Dictionary<string, Asset>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch { ".js" => "text/javascript", ".css" => "text/css", ".svg" => "image/svg+xml", ".png" => "image/png", _ => "application/octet-stream" };
            assets[name] = new Asset(bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }
        return assets.ToFrozenDictionary();
    }
}
