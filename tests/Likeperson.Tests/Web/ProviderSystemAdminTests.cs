using System.Net;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>The server with one provider identity listed as a system admin (`Auth:SystemAdmins` = `issuer|sub`).</summary>
public sealed class SystemAdminProviderServer : ProviderServer
{
    public const string Login = "first-run-admin";

    protected override IDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Auth:SystemAdmins"] = $"{Provider.IssuerName}|{Login}" };
}

/// <summary>A system admin signs in at the provider and lands on the first-run page, with no person behind the session.</summary>
public sealed class ProviderSystemAdminTests(SystemAdminProviderServer server) : IClassFixture<SystemAdminProviderServer>
{
    [Fact]
    public async Task SignIn_SystemAdminAtTheProvider_LandsOnTheFirstRunPage()
    {
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        var landed = await flow.SignInAsync(SystemAdminProviderServer.Login, "/board");
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal("/admin/organizations", flow.Landed.AbsolutePath);
        Assert.Contains("id=\"org-name\"", await landed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignIn_AnotherUnlinkedIdentity_IsNoSystemAdmin()
    {
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        await flow.SignInAsync($"someone-{Guid.NewGuid():N}", "/board");
        Assert.Equal("/signin/unlinked", flow.Landed.AbsolutePath);
    }
}
