namespace Likeperson.Notifications;

/// <summary>
/// A name a person recognises their device by ("Chrome · Android", the same in every language), read from the User-Agent when the browser subscribes.
/// No User-Agent parser package is served here; the browsers and systems that can run the web app are few, so the order
/// below (Edge and Opera and Samsung Internet say "Chrome" too; Chrome on iOS says "Safari") is all it takes.
/// </summary>
public static class DeviceNames
{
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"), ("FxiOS", "Firefox"),
        ("CriOS", "Chrome"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("CrOS", "ChromeOS"), ("Windows", "Windows"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    public static string FromUserAgent(string? userAgent)
    {
        var ua = userAgent ?? "";
        var browser = Browsers.FirstOrDefault(b => ua.Contains(b.Token, StringComparison.Ordinal)).Name;
        var system = Systems.FirstOrDefault(s => ua.Contains(s.Token, StringComparison.Ordinal)).Name;
        return (browser, system) switch
        {
            (null, null) => "Web",
            (null, _) => system,
            (_, null) => browser,
            _ => $"{browser} · {system}",
        };
    }
}
