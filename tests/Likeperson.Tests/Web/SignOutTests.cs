using System.Net;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>A server that checks stream access every second (the contract's ceiling is 30 s).</summary>
public sealed class QuickAccessCheckServer : TestServer
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Events:AccessCheckInterval"] = "00:00:01" };
}

/// <summary>Signing out ends the session everywhere: a copy of its cookie opens no page, and its open event streams end.</summary>
public sealed class SignOutTests(QuickAccessCheckServer server) : IClassFixture<QuickAccessCheckServer>
{
    [Fact]
    public async Task SignOut_EndsTheSessionsStreamsAndACopiedCookieOpensNothing()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var cookies = new CookieContainer();
        var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        var (_, signIn) = await SignInPage.GetAsync(browser, "/signin");
        await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = server.Auth.Mint(org.CoordinatorA.ToString(), TimeSpan.FromHours(1)), ["ReturnUrl"] = "/board",
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(signIn),
        }));
        var session = cookies.GetCookies(server.BaseAddress)["lp_session"]!.Value;
        var copy = new CookieContainer();
        copy.Add(server.BaseAddress, new Cookie("lp_session", session));
        var thief = new HttpClient(new SocketsHttpHandler { CookieContainer = copy }) { BaseAddress = server.BaseAddress };
        Assert.Equal("/board", (await thief.GetAsync("/board")).RequestMessage!.RequestUri!.AbsolutePath); // the same session, still live
        using var stream = await thief.GetAsync("/api/v1/events?topics=assignments", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        var streamed = stream.Content.ReadAsStringAsync();

        var (_, board) = await SignInPage.GetAsync(browser, "/board");
        var signedOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(board),
        }));
        Assert.Equal("/signin", signedOut.RequestMessage!.RequestUri!.AbsolutePath);

        var text = await streamed.WaitAsync(TimeSpan.FromSeconds(20)); // ends at the next access check
        Assert.Contains(": end access_ended", text);
        var page = await thief.GetAsync("/board");
        Assert.Equal(("/signin", "?expired=1"), (page.RequestMessage!.RequestUri!.AbsolutePath, page.RequestMessage.RequestUri.Query));
    }
}
