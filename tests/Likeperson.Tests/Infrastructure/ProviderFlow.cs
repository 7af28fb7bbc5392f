using System.Net;
using System.Text.RegularExpressions;

namespace Likeperson.Tests.Infrastructure;

/// <summary>
/// A cookie-keeping HTTP client that walks a sign-in through the app and the real test provider as a browser would (every
/// redirect followed by hand, the provider's login, consent and logout forms filled in), without a browser: for the
/// in-process tests of the web sign-in. Browser tests drive the same flow in Chromium.
/// </summary>
public sealed partial class ProviderFlow(Uri app, TestProvider provider) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

    /// <summary>The client itself, with the session cookie (e.g. to open an event stream).</summary>
    public HttpClient Client => _http;

    /// <summary>Every provider page the flow had to fill in, by kind (login, consent, logout).</summary>
    public List<string> ProviderPages { get; } = [];

    /// <summary>The app page where the flow came to rest, and its answer.</summary>
    public Uri Landed { get; private set; } = null!;
    public HttpResponseMessage Last { get; private set; } = null!;

    public Task<HttpResponseMessage> GetAsync(string path) => FollowAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(app, path)), null);

    /// <summary>Posts a form of an app page (its antiforgery token included), then follows wherever it leads.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, string login, Dictionary<string, string>? fields = null)
    {
        var page = await _http.GetAsync(new Uri(app, pagePath));
        var html = await page.Content.ReadAsStringAsync();
        var form = new Dictionary<string, string>(fields ?? []) { ["__RequestVerificationToken"] = AntiforgeryToken(html) };
        return await FollowAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(app, action)) { Content = new FormUrlEncodedContent(form) }, login);
    }

    /// <summary>Starts the provider sign-in at /signin/oidc and follows it to its end, signing in at the provider as <paramref name="login"/>.</summary>
    public Task<HttpResponseMessage> SignInAsync(string login, string returnUrl = "/") =>
        FollowAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(app, $"/signin/oidc?ReturnUrl={Uri.EscapeDataString(returnUrl)}")), login);

    public async Task<HttpResponseMessage> FollowAsync(HttpRequestMessage request, string? login)
    {
        var response = await _http.SendAsync(request);
        for (var step = 0; step < 20; step++)
        {
            var at = response.RequestMessage!.RequestUri!;
            if (response.Headers.Location is { } location)
            {
                response = await _http.GetAsync(location.IsAbsoluteUri ? location : new Uri(at, location));
                continue;
            }
            if (at.Authority != provider.Issuer.Authority)
            {
                (Landed, Last) = (at, response);
                return response;
            }
            var html = await response.Content.ReadAsStringAsync();
            var action = FormAction().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
                : throw new InvalidOperationException($"Unexpected provider page {at} ({(int)response.StatusCode}): {html}");
            Dictionary<string, string> form;
            if (html.Contains("value=\"login\""))
            {
                ProviderPages.Add("login");
                form = new() { ["prompt"] = "login", ["login"] = login ?? throw new InvalidOperationException("The provider asks who signs in."), ["password"] = "any" };
            }
            else if (html.Contains("name=\"xsrf\""))
            {
                ProviderPages.Add("logout");
                form = new() { ["xsrf"] = Xsrf().Match(html).Groups[1].Value, ["logout"] = "yes" };
            }
            else
            {
                ProviderPages.Add("consent");
                form = new() { ["prompt"] = "consent" };
            }
            response = await _http.PostAsync(new Uri(at, action), new FormUrlEncodedContent(form));
        }
        throw new InvalidOperationException("The sign-in flow did not come to rest.");
    }

    public static string AntiforgeryToken(string html) =>
        Antiforgery().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No antiforgery token on the page.");

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"xsrf\" value=\"([^\"]+)\"")]
    private static partial Regex Xsrf();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
