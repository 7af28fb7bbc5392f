using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Demo;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>Development with the demo system admin configured as appsettings.Development.json has it (`./run.sh`).</summary>
public sealed class DemoSystemAdminServer : TestServer
{
    protected override string Environment => "Development";
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Auth:SystemAdmins"] = DemoApi.SystemAdminSubject };
}

/// <summary>
/// The first run in the web UI: a system admin signs in (a token for an Auth:SystemAdmins subject), creates an
/// organisation and its first org admin on /admin/organizations and sees both ids; that session opens no person page and
/// reads no person data; a person's session gets a 403 page there; a refused form keeps what was typed and creates nothing.
/// </summary>
public sealed partial class FirstRunPageTests(TestServer server) : IClassFixture<TestServer>
{
    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private async Task<(HttpClient Browser, CookieContainer Cookies)> SystemAdminAsync()
    {
        var cookies = new CookieContainer();
        var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        var (_, signIn) = await SignInPage.GetAsync(browser, "/signin");
        var landed = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = server.Token(TestServer.SystemAdmin), ["ReturnUrl"] = "/board",
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(signIn),
        }));
        Assert.Equal((HttpStatusCode.OK, "/admin/organizations"), (landed.StatusCode, landed.RequestMessage!.RequestUri!.AbsolutePath));
        return (browser, cookies);
    }

    private static async Task<HttpResponseMessage> CreateAsync(HttpClient browser, string name, string admin)
    {
        var page = await HtmlAsync(await browser.GetAsync("/admin/organizations"));
        return await browser.PostAsync("/admin/organizations", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name, ["admin_display_name"] = admin, ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));
    }

    private async Task<long> CountAsync(string sql, object args)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql, args);
    }

    [Fact]
    public async Task SystemAdmin_CreatesAnOrganisationWithItsFirstAdmin_SeesBothIdsAndTheAdminsTokenWorks()
    {
        var (browser, _) = await SystemAdminAsync();

        var response = await CreateAsync(browser, "Diabetesforbundet", "Liv Moe");
        var html = await HtmlAsync(response);

        Assert.Equal((HttpStatusCode.OK, "/admin/organizations"), (response.StatusCode, response.RequestMessage!.RequestUri!.AbsolutePath));
        Assert.Contains("Diabetesforbundet is created", html);
        var org = Guid.Parse(Id().Match(html[html.IndexOf("created-organization-id", StringComparison.Ordinal)..]).Value);
        var admin = Guid.Parse(Id().Match(html[html.IndexOf("created-admin-id", StringComparison.Ordinal)..]).Value);
        Assert.Contains($"data-organization-id=\"{org}\"", html); // and in the list
        var me = await (await server.As(admin).GetAsync("/api/v1/me")).ReadAsync<JsonElement>();
        Assert.Equal(("Liv Moe", org), (me.GetProperty("person").GetProperty("display_name").GetString(), me.GetProperty("organization").GetProperty("id").GetGuid()));
        Assert.Equal(["org_admin"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.DoesNotContain("is created", await HtmlAsync(await browser.GetAsync("/admin/organizations"))); // shown once
    }

    [Fact]
    public async Task SystemAdminSession_PersonPagesAndTheStream_SendItBackAndShowNoPersonData()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var (browser, _) = await SystemAdminAsync();

        foreach (var path in new[] { "/", "/board", "/roster", "/admin/jobs", $"/mentors/{org.MentorA}", "/my", "/notifications" })
        {
            var page = await browser.GetAsync(path);
            var html = await HtmlAsync(page);
            Assert.Equal("/admin/organizations", page.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.DoesNotContain("Mentor A", html);
            Assert.DoesNotContain("href=\"/board\"", html); // the minimal frame: no person navigation
        }
        var stream = await browser.GetAsync("/api/v1/events?topics=mentors", HttpCompletionOption.ResponseHeadersRead);
        Assert.True((int)stream.StatusCode is >= 400 and < 500, $"the stream answered {(int)stream.StatusCode}");
    }

    [Fact]
    public async Task CreateOrganisation_BlankNameAndTooLongAdmin_FieldErrorsTypedValuesKeptNothingCreated()
    {
        var (browser, _) = await SystemAdminAsync();
        var longName = new string('x', 201);

        var response = await CreateAsync(browser, "   ", longName);
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<p class=\"field-error\" id=\"org-name-error\">Give the organisation a name of 1 to 200 characters.</p>", html);
        Assert.Contains("id=\"admin-name-error\">Give the org admin's name (1 to 200 characters).</p>", html);
        Assert.Matches("id=\"org-name\"[^>]*aria-invalid=\"true\"[^>]*autofocus=\"autofocus\"", html);
        Assert.Contains($"value=\"{longName}\"", html);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM people WHERE display_name = @longName", new { longName }));
    }

    [Fact]
    public async Task OrganisationsPage_PersonSession_Is403AndCreatesNothing()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);

        var page = await browser.GetAsync("/admin/organizations");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("Only a system admin creates organisations.", await HtmlAsync(page));

        var post = await CreateAsync(browser, "Sneaky Org", "Sneaky Admin");
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM organizations WHERE name = 'Sneaky Org'", new { }));
    }

    [Fact]
    public async Task SystemAdminSignOut_ACopiedCookieNoLongerOpensThePage()
    {
        var (browser, cookies) = await SystemAdminAsync();
        var copy = new CookieContainer();
        copy.Add(server.BaseAddress, new Cookie("lp_session", cookies.GetCookies(server.BaseAddress)["lp_session"]!.Value));
        var thief = new HttpClient(new SocketsHttpHandler { CookieContainer = copy }) { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/admin/organizations")).StatusCode);

        var page = await HtmlAsync(await browser.GetAsync("/admin/organizations"));
        var signedOut = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));
        Assert.Equal("/signin", signedOut.RequestMessage!.RequestUri!.AbsolutePath);

        var after = await thief.GetAsync("/admin/organizations");
        Assert.Equal(("/signin", "?expired=1"), (after.RequestMessage!.RequestUri!.AbsolutePath, after.RequestMessage.RequestUri.Query));
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Id();
}

/// <summary>`./run.sh`: the sign-in page offers the demo system admin, one click opens the first-run page.</summary>
public sealed class DemoSystemAdminSignInTests(DemoSystemAdminServer server) : IClassFixture<DemoSystemAdminServer>
{
    [Fact]
    public async Task DemoSignIn_SystemAdmin_OneClickOpensTheOrganisationsPage()
    {
        var browser = server.Anonymous();
        var (_, signIn) = await SignInPage.GetAsync(browser, "/signin");
        Assert.Contains("id=\"demo-system-admin\"", signIn);

        var landed = await browser.PostAsync("/signin?handler=demoSystemAdmin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(signIn),
        }));

        Assert.Equal((HttpStatusCode.OK, "/admin/organizations"), (landed.StatusCode, landed.RequestMessage!.RequestUri!.AbsolutePath));
        Assert.Contains("Create the organisation", WebUtility.HtmlDecode(await landed.Content.ReadAsStringAsync()));
    }
}
