using System.Diagnostics;
using System.Net;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>The pages' script listens to the API's own event stream with the session cookie; the stream ends with the session.</summary>
public sealed class WebStreamTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Stream_WithTheSessionCookie_IsServedAndEndsWhenTheSessionEnds()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        // Expired 22 s ago: the API accepts it for 8 s more (30 s skew), and the session it starts ends then too.
        var browser = server.Anonymous();
        var (_, signIn) = await SignInPage.GetAsync(browser, "/signin");
        var landed = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = server.Auth.Mint(org.CoordinatorA.ToString(), TimeSpan.FromSeconds(1), DateTime.UtcNow.AddSeconds(-23)),
            ["ReturnUrl"] = "/board", ["__RequestVerificationToken"] = SignInPage.Antiforgery(signIn),
        }));
        Assert.Equal("/board", landed.RequestMessage!.RequestUri!.AbsolutePath);

        var clock = Stopwatch.StartNew();
        using var stream = await browser.GetAsync("/api/v1/events?topics=assignments", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        var text = await stream.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(30)); // returns when the server ends it

        Assert.Contains(": end", text);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(25));
        var after = await browser.GetAsync("/api/v1/events?topics=assignments", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode); // the API answers 401 itself: no redirect to a sign-in page
    }
}
