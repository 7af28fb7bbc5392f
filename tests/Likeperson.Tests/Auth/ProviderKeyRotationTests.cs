using System.Net.Http.Headers;
using Likeperson.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Likeperson.Tests.Auth;

/// <summary>
/// The provider rotates its signing key: the server follows without a restart. A server of its own, because the handler
/// reads the JWKS again at most once per refresh interval (5 minutes) and another test's refused token may have used it.
/// </summary>
public sealed class ProviderKeyRotationTests(ProviderServer server) : IClassFixture<ProviderServer>
{
    private async Task<HttpResponseMessage> MeAsync(string token)
    {
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync("/api/v1/me");
    }

    [Fact]
    public async Task Me_AfterProviderKeyRotation_NewKeyAcceptedOldKeyRefused()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = $"user-{Guid.NewGuid():N}";
        await server.LinkAsync(org.MentorA, login);
        var before = await server.Provider.AccessTokenAsync(login);
        Assert.Equal(200, (int)(await MeAsync(before)).StatusCode);

        await server.Provider.RotateKeysAsync(); // the old key leaves the provider's JWKS
        var after = await server.Provider.AccessTokenAsync(login);
        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        // No restart: the first token naming the unknown key makes the server read the JWKS again, in the background (the
        // framework's configuration manager), so it is accepted moments later; a real provider publishes a key before it
        // signs with it, and the JWKS is re-read every 12 hours anyway.
        var accepted = System.Diagnostics.Stopwatch.StartNew();
        while ((int)(await MeAsync(after)).StatusCode != 200)
        {
            Assert.True(accepted.Elapsed < TimeSpan.FromSeconds(10), "The token signed with the new key was still refused after 10 s.");
            await Task.Delay(100);
        }
        await (await MeAsync(before)).ProblemAsync(401, "unauthorized");
    }

}
