using System.Net;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>A web session started with a bearer token ends when the API would stop accepting that token: the page then sends the person to sign in again.</summary>
public sealed class SessionExpiryTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Page_TokenRefusedByTheApiMidSession_SignsOutAndSendsThePersonToSignInAgain()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        // Expired 20 s ago: still inside the API's 30 s clock skew, so the sign-in works and the session starts; it ends when
        // the skew is used up, like the token's acceptance by the API.
        var token = server.Auth.Mint(org.CoordinatorA.ToString(), TimeSpan.FromSeconds(1), DateTime.UtcNow.AddSeconds(-21));
        var browser = server.Anonymous();
        var (_, signIn) = await SignInPage.GetAsync(browser, "/signin");
        var landed = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = token, ["ReturnUrl"] = "/board", ["__RequestVerificationToken"] = SignInPage.Antiforgery(signIn),
        }));
        Assert.Equal((HttpStatusCode.OK, "/board"), (landed.StatusCode, landed.RequestMessage!.RequestUri!.AbsolutePath));

        HttpResponseMessage page = landed;
        await Notifications.Eventually.TrueAsync(async () =>
        {
            page = await browser.GetAsync("/board");
            return page.RequestMessage!.RequestUri!.AbsolutePath == "/signin";
        }, "the session to end with the token and the board to send the person to sign in", seconds: 60);

        Assert.Equal("?expired=1", page.RequestMessage!.RequestUri!.Query);
        Assert.Contains("Your session has ended. Please sign in again.", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()));
        var again = await browser.GetAsync("/board"); // signed out: the cookie is gone, not just refused once
        Assert.Equal("/signin", again.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.StartsWith("?ReturnUrl=", again.RequestMessage.RequestUri.Query); // the ordinary challenge of a stranger
    }
}
