using System.Net;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>A browser-like client (cookies, redirects) signed in to the web UI with a pasted token.</summary>
internal static class WebSignIn
{
    public static async Task<HttpClient> AsAsync(TestServer server, Guid person, TimeSpan? lifetime = null, string? language = null)
    {
        var browser = server.Anonymous();
        if (language is not null) browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var (_, signIn) = await SignInPage.GetAsync(browser, "/signin");
        var landed = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = server.Auth.Mint(person.ToString(), lifetime ?? TimeSpan.FromHours(1)), ["ReturnUrl"] = "/",
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(signIn),
        }));
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.NotEqual("/signin", landed.RequestMessage!.RequestUri!.AbsolutePath);
        return browser;
    }
}
