using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Likeperson.Demo;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>The server as `./run.sh` starts it: Development, the demo organisation seeded at start-up.</summary>
public sealed class DemoServer : TestServer
{
    protected override string Environment => "Development";
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Demo:Seed"] = "true" };
}

/// <summary>What the sign-in page offers, and the antiforgery token its forms need.</summary>
internal static partial class SignInPage
{
    public static async Task<(HttpResponseMessage Response, string Html)> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return (response, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    public static string Antiforgery(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static Task<HttpResponseMessage> DemoSignInAsync(HttpClient client, string html, Guid person) =>
        client.PostAsync("/signin?handler=demo", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["person_id"] = person.ToString(), ["ReturnUrl"] = "", ["__RequestVerificationToken"] = Antiforgery(html),
        }));
}

/// <summary>A newcomer's first minutes: `./run.sh`, open the URL, pick a demo person, land on a page that works.</summary>
public sealed class DemoSignInTests(DemoServer server) : IClassFixture<DemoServer>
{
    private static Guid Demo(string name) => DemoData.People.Single(p => p.DisplayName == name).Id;

    [Fact]
    public async Task Start_Development_ListsEveryDemoPersonAndOneClickLandsTheCoordinatorOnTheDemoBoard()
    {
        var browser = server.Anonymous(); // keeps cookies and follows redirects, like a browser

        var (start, signIn) = await SignInPage.GetAsync(browser, "/");
        Assert.Equal("/signin", start.RequestMessage!.RequestUri!.AbsolutePath); // the start page sends a stranger to sign in
        Assert.All(DemoData.People, p => Assert.Contains(p.DisplayName, signIn));
        Assert.NotEmpty(SignInPage.Antiforgery(signIn));

        var landed = await SignInPage.DemoSignInAsync(browser, signIn, Demo("Kari Nordmann"));
        var board = WebUtility.HtmlDecode(await landed.Content.ReadAsStringAsync());

        Assert.Equal((HttpStatusCode.OK, "/board"), (landed.StatusCode, landed.RequestMessage!.RequestUri!.AbsolutePath));
        Assert.Contains("Per Olsen", board); // the demo assignments of Kari's chapter (Oslo)
        Assert.Contains("Anne Larsen", board);
        Assert.DoesNotContain("Jonas Berg", board); // Bergen's
        var stranger = await server.Anonymous().GetAsync("/board"); // the board needs the session the click made
        Assert.Equal("/signin", stranger.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public void SignInHelp_PrintedAtStart_GivesTheUrlTheTokenCommandAndEveryDemoPersonsId()
    {
        var help = DemoApi.SignInHelp("http://127.0.0.1:5080");

        Assert.Contains("Likeperson is running at http://127.0.0.1:5080", help);
        Assert.Contains("curl -s -X POST http://127.0.0.1:5080/api/v1/demo/tokens/<id>", help);
        Assert.All(DemoData.People, p => Assert.Contains(p.Id.ToString(), help.Split('\n').Single(l => l.Contains(p.DisplayName))));
    }

    [Fact]
    public async Task DemoSignIn_PeerMentor_LandsOnTheirOwnPage()
    {
        var browser = server.Anonymous();
        var (_, signIn) = await SignInPage.GetAsync(browser, "/signin");

        var landed = await SignInPage.DemoSignInAsync(browser, signIn, Demo("Anne Larsen"));

        Assert.Equal((HttpStatusCode.OK, "/my"), (landed.StatusCode, landed.RequestMessage!.RequestUri!.AbsolutePath));
        Assert.Contains("Anne Larsen", WebUtility.HtmlDecode(await landed.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task DemoTokens_Development_MintATokenTheApiAccepts()
    {
        var minted = await (await server.Anonymous().PostAsync($"/api/v1/demo/tokens/{Demo("Ingrid Berg")}", null)).ReadAsync<JsonElement>();
        var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", minted.GetProperty("access_token").GetString());

        var me = await (await client.GetAsync("/api/v1/me")).ReadAsync<JsonElement>();

        Assert.Equal("Ingrid Berg", me.GetProperty("person").GetProperty("display_name").GetString());
        Assert.Contains("org_admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }
}

/// <summary>Outside Development there is no way to mint a token: no demo list, no demo sign-in, no token endpoint.</summary>
public sealed class NoDemoOutsideDevelopmentTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task SignIn_OutsideDevelopment_OffersOnlyTheTokenExchange()
    {
        var browser = server.Anonymous();
        var (page, html) = await SignInPage.GetAsync(browser, "/signin");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("person_id", html);
        Assert.DoesNotContain(DemoData.People[1].DisplayName, html);
        Assert.Contains("access_token", html);
        var demo = await SignInPage.DemoSignInAsync(browser, html, DemoData.People[1].Id);
        Assert.Equal(HttpStatusCode.NotFound, demo.StatusCode);
        Assert.DoesNotContain("demo-system-admin", html);
        var admin = await browser.PostAsync("/signin?handler=demoSystemAdmin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(html),
        }));
        Assert.Equal(HttpStatusCode.NotFound, admin.StatusCode);
        Assert.DoesNotContain(demo.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("lp_session")));
    }

    [Theory]
    [InlineData("POST", "/api/v1/demo/tokens/d0000000-0000-4000-8000-000000000102")]
    [InlineData("POST", "/api/v1/demo/tokens/test-system-admin")]
    [InlineData("GET", "/api/v1/demo/people")]
    public async Task DemoApi_OutsideDevelopment_Is404(string method, string url)
    {
        var response = await server.Anonymous().SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        await response.ProblemAsync(404, "not_found");
    }
}
