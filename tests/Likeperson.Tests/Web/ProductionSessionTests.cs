using System.Net;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Likeperson.Tests.Web;

/// <summary>The server as it runs in production, behind a TLS-terminating proxy on 127.0.0.1.</summary>
public sealed class BehindProxyServer : TestServer
{
    protected override string Environment => "Production";
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies"] = "127.0.0.1" };
}

/// <summary>
/// Production sessions: Secure cookies and HSTS outside Development, `X-Forwarded-*` believed only from a known proxy, no
/// token pasting.
/// </summary>
public sealed class ProductionSessionTests(BehindProxyServer server) : IClassFixture<BehindProxyServer>
{
    private static HttpRequestMessage ViaProxy(string path, HttpMethod? method = null) => new(method ?? HttpMethod.Get, path)
    {
        // The public host name, too: HSTS is never sent for loopback names.
        Headers = { { "X-Forwarded-Proto", "https" }, { "X-Forwarded-For", "203.0.113.7" }, { "X-Forwarded-Host", "likeperson.example" } },
    };

    [Fact]
    public async Task Production_BehindTheKnownProxy_HstsAndSecureCookies()
    {
        var response = await server.Anonymous().SendAsync(ViaProxy("/signin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"), "no HSTS behind the proxy's https");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies); // the antiforgery cookie of the page's forms
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        var session = server.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(Likeperson.Web.WebModule.CookieScheme);
        Assert.Equal((CookieSecurePolicy.Always, true, SameSiteMode.Lax), (session.Cookie.SecurePolicy, session.Cookie.HttpOnly, session.Cookie.SameSite));
    }

    [Fact]
    public async Task Production_ForwardedHeadersFromAnUnknownAddress_AreIgnored()
    {
        await using var app = await server.StartAsync(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies"] = "10.9.9.9" });
        using var client = new HttpClient(new NoServerErrors()) { BaseAddress = TestServer.AddressOf(app) };
        var response = await client.SendAsync(ViaProxy("/signin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "a stranger's X-Forwarded-Proto was believed");
    }

    [Fact]
    public async Task Production_SignInPage_OffersNoTokenPasting()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        var (page, html) = await SignInPage.GetAsync(browser, "/signin"); // plain http, straight to the server: still a page, not a 500
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("access_token", html);
        var posted = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = server.Token(Guid.NewGuid().ToString()), ["__RequestVerificationToken"] = SignInPage.Antiforgery(html),
        }));
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.Null(cookies.GetCookies(server.BaseAddress)["lp_session"]);
    }
}

/// <summary>The data-protection keys live in PostgreSQL: a session made on one instance is accepted by another on the same database.</summary>
public sealed class SharedSessionKeyTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Session_MadeByOneInstance_IsAcceptedByAnotherOnTheSameDatabase()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var cookies = new CookieContainer();
        using var first = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        var (_, signIn) = await SignInPage.GetAsync(first, "/signin");
        await first.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = server.Token(org.CoordinatorA.ToString()), ["ReturnUrl"] = "/board",
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(signIn),
        }));
        var session = cookies.GetCookies(server.BaseAddress)["lp_session"]!.Value;

        async Task<string> OpenBoardOnAsync(WebApplication instance)
        {
            var jar = new CookieContainer();
            var address = TestServer.AddressOf(instance);
            jar.Add(address, new Cookie("lp_session", session));
            using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = jar }) { BaseAddress = address };
            return (await client.GetAsync("/board")).RequestMessage!.RequestUri!.AbsolutePath;
        }

        await using (var second = await server.StartAsync())
            Assert.Equal("/board", await OpenBoardOnAsync(second));

        // The ring is the database's: without its keys there, a new instance makes a new key and cannot read the cookie.
        await using (var conn = await server.Worker.OpenConnectionAsync())
        {
            Assert.True(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM data_protection_keys") >= 1);
            await conn.ExecuteAsync("DELETE FROM data_protection_keys");
        }
        await using (var third = await server.StartAsync())
            Assert.Equal("/signin", await OpenBoardOnAsync(third));
    }
}
