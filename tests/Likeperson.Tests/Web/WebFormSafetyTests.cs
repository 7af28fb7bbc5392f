using System.Net;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>The forms outside Razor Pages (language switch, sign-out): only local return URLs, antiforgery required.</summary>
public sealed class WebFormSafetyTests(TestServer server) : IClassFixture<TestServer>
{
    /// <summary>A browser that keeps cookies but shows redirects instead of following them.</summary>
    private HttpClient Browser() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };

    [Theory]
    [InlineData("/\\evil")]
    [InlineData("/\\\\evil.com")]
    [InlineData("//evil.com")]
    [InlineData("/\tevil")]
    [InlineData("/\r\nSet-Cookie: x=1")]
    [InlineData("/\u3000/evil.com")]
    [InlineData("https://evil.com/")]
    public async Task Language_HostileReturnUrl_GoesHomeInsteadOfAwayOrToAServerError(string returnUrl)
    {
        var browser = Browser();
        var (_, page) = await SignInPage.GetAsync(browser, "/signin");

        var response = await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["lang"] = "nb", ["return_url"] = returnUrl, ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Language_LocalReturnUrl_GoesBackThere()
    {
        var browser = Browser();
        var (_, page) = await SignInPage.GetAsync(browser, "/signin");
        var response = await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["lang"] = "nb", ["return_url"] = "/signin?ReturnUrl=%2Fboard", ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));
        Assert.Equal("/signin?ReturnUrl=%2Fboard", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_CrossSitePostWithoutAntiforgeryToken_IsRefusedAndTheSessionStays()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        var forced = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        var board = await browser.GetAsync("/board");

        Assert.Equal(HttpStatusCode.BadRequest, forced.StatusCode);
        Assert.Equal("/board", board.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task SignOut_FromThePagesOwnForm_EndsTheSession()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var (_, board) = await SignInPage.GetAsync(browser, "/board");

        var signedOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(board),
        }));
        var after = await browser.GetAsync("/board");

        Assert.Equal("/signin", signedOut.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/signin", after.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Language_CrossSitePostWithoutAntiforgeryToken_IsRefusedAndSetsNothing()
    {
        var response = await Browser().PostAsync("/language",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["lang"] = "nb", ["return_url"] = "/" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("lp_lang=")));
    }
}
