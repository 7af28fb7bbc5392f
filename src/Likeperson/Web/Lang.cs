using System.Globalization;

namespace Likeperson.Web;

/// <summary>
/// The UI language of a request: Norwegian Bokmål (nb) or English (en), from the `lp_lang` cookie the language switch
/// sets, else the browser's Accept-Language (nb, no, nn → nb), else English. Only the web pages use it; the API and
/// the server's culture are untouched.
/// </summary>
public sealed class Lang
{
    public const string CookieName = "lp_lang";

    public string Code { get; }
    public CultureInfo Culture { get; }

    public Lang(IHttpContextAccessor accessor)
    {
        var request = accessor.HttpContext?.Request;
        Code = Normalize(request?.Cookies[CookieName]) ?? FromAcceptLanguage(request?.Headers.AcceptLanguage.ToString()) ?? "en";
        Culture = CultureInfo.GetCultureInfo(Code == "nb" ? "nb-NO" : "en-GB");
        var tz = accessor.HttpContext?.User.FindFirst(WebSession.TimeZoneClaim)?.Value;
        Zone = tz is not null && TimeZoneInfo.TryFindSystemTimeZoneById(tz, out var zone) ? zone : TimeZones.Oslo;
    }

    /// <summary>The organisation's time zone (dates are shown as the organisation counts them).</summary>
    public TimeZoneInfo Zone { get; }

    public static string? Normalize(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "nb" or "no" or "nn" or "nb-no" or "nn-no" => "nb",
        "en" => "en",
        var c when c?.StartsWith("en-") == true => "en",
        _ => null,
    };

    private static string? FromAcceptLanguage(string? header) =>
        (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split(';'))
            .Select(p => (Code: Normalize(p[0]), Q: p.Length > 1 && p[1].Trim().StartsWith("q=")
                && double.TryParse(p[1].Trim()[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var q) ? q : 1.0))
            .Where(x => x.Code is not null && x.Q > 0)
            .OrderByDescending(x => x.Q).Select(x => x.Code).FirstOrDefault();

    /// <summary>The text for a key in this request's language (the key itself when a text is missing, so gaps show).</summary>
    public string this[string key] => Texts.TryGetValue(key, out var t) ? (Code == "nb" ? t.Nb : t.En) : key;

    public string Format(string key, params object?[] args) => string.Format(Culture, this[key], args);

    public string Date(DateOnly? date) => date?.ToString(Code == "nb" ? "d. MMM yyyy" : "d MMM yyyy", Culture) ?? "–";
    public string Date(DateTime? utc) => utc is { } t ? Date(DateOnly.FromDateTime(t.ToLocalTimeIn(Zone))) : "–";
    public string DateTime(DateTime? utc) => utc?.ToLocalTimeIn(Zone).ToString(Code == "nb" ? "d. MMM yyyy 'kl.' HH:mm" : "d MMM yyyy HH:mm", Culture) ?? "–";

    public string Status(string status) => this["status." + status];

    private static readonly Dictionary<string, (string En, string Nb)> Texts = UiTexts.All;
}

internal static class TimeZones
{
    public static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    public static DateTime ToLocalTimeIn(this DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(System.DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
}
