using System.Net;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>
/// Web sign-in through the real test provider (authorization code + PKCE): a linked identity lands as its person, an
/// unlinked one on the page that explains invitations with no session, and signing out ends the provider's session too.
/// </summary>
public sealed class ProviderSignInTests(ProviderServer server) : IClassFixture<ProviderServer>
{
    private static string NewLogin() => $"user-{Guid.NewGuid():N}";

    [Fact]
    public async Task SignIn_LinkedIdentity_LandsWhereItWasGoingAsThatPerson()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = NewLogin();
        var link = await server.LinkAsync(org.MentorA, login);
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        var landed = await flow.SignInAsync(login, "/my");
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal("/my", flow.Landed.AbsolutePath);
        Assert.Equal(["login", "consent"], flow.ProviderPages);
        Assert.Contains("Mentor A", await landed.Content.ReadAsStringAsync());
        await using var conn = await server.Worker.OpenConnectionAsync();
        Assert.NotNull(await conn.ExecuteScalarAsync<DateTime?>("SELECT last_sign_in_at FROM identity_links WHERE id = @link", new { link }));
    }

    [Fact]
    public async Task SignIn_UnlinkedIdentity_ExplainsInvitationsAndStartsNoSession()
    {
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        var landed = await flow.SignInAsync(NewLogin(), "/board");
        Assert.Equal("/signin/unlinked", flow.Landed.AbsolutePath);
        Assert.Contains("invitation", await landed.Content.ReadAsStringAsync());
        await flow.GetAsync("/board");
        Assert.Equal("/signin", flow.Landed.AbsolutePath); // no data: nobody is signed in
    }

    [Fact]
    public async Task SignOut_ProviderSession_EndsLocallyAndAtTheProvider()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = NewLogin();
        await server.LinkAsync(org.CoordinatorA, login);
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        await flow.SignInAsync(login, "/board");
        Assert.Equal("/board", flow.Landed.AbsolutePath);

        await flow.PostFormAsync("/board", "/signout", login);
        Assert.Equal("/signin", flow.Landed.AbsolutePath);
        Assert.Equal("logout", flow.ProviderPages[^1]); // the provider was asked to end its session too
        await flow.GetAsync("/board");
        Assert.Equal("/signin", flow.Landed.AbsolutePath);

        flow.ProviderPages.Clear();
        await flow.SignInAsync(login, "/board"); // the provider asks who it is again: its session ended
        Assert.Equal("login", flow.ProviderPages[0]);
        Assert.Equal("/board", flow.Landed.AbsolutePath);
    }

    [Fact]
    public async Task SignIn_HostileReturnUrlOrForgedCallback_GoesNowhereElseAndStartsNothing()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = NewLogin();
        await server.LinkAsync(org.MentorA, login);
        using (var flow = new ProviderFlow(server.BaseAddress, server.Provider))
        {
            await flow.SignInAsync(login, "//evil.example/");
            Assert.Equal((server.BaseAddress.Authority, "/my"), (flow.Landed.Authority, flow.Landed.AbsolutePath)); // home instead
        }
        using var forged = new ProviderFlow(server.BaseAddress, server.Provider);
        var response = await forged.GetAsync("/signin-oidc?code=made-up&state=made-up&iss=" + Uri.EscapeDataString(server.Provider.IssuerName));
        Assert.Equal((HttpStatusCode.OK, "/signin", "?failed=1"), (response.StatusCode, forged.Landed.AbsolutePath, forged.Landed.Query));
        await forged.GetAsync("/my");
        Assert.Equal("/signin", forged.Landed.AbsolutePath);
    }

    [Fact]
    public async Task SignInPage_WithProvider_OffersItsButton()
    {
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        var page = await (await flow.GetAsync("/signin")).Content.ReadAsStringAsync();
        Assert.Contains("Sign in with Test ID", page);
        Assert.Contains("href=\"/signin/oidc?ReturnUrl=%2F\"", page);
    }
}
