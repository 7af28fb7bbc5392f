using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>
/// A deep link opened while signed out (an admin's person page, not the person's home) is where the provider's sign-in ends,
/// not the home page: the framework hands the return address to the ticket as ReturnUri, not in the properties.
/// </summary>
public sealed class ProviderDeepLinkTests(ProviderServer server) : IClassFixture<ProviderServer>
{
    [Fact]
    public async Task SignIn_FromADeepLink_EndsOnThatPage()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = $"admin-{Guid.NewGuid():N}";
        await server.LinkAsync(org.Admin, login);
        var anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var challenge = await anonymous.GetAsync($"/admin/people/{org.MentorA2}");
        Assert.Equal($"/signin?ReturnUrl=%2Fadmin%2Fpeople%2F{org.MentorA2}", challenge.Headers.Location!.PathAndQuery);

        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        await flow.SignInAsync(login, $"/admin/people/{org.MentorA2}");
        Assert.Equal($"/admin/people/{org.MentorA2}", flow.Landed.AbsolutePath);
    }
}
