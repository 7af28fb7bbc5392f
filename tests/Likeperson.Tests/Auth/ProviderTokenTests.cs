using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Likeperson.Organizations;
using Likeperson.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Likeperson.Tests.Auth;

/// <summary>
/// The API accepts access tokens of a real OpenID Connect provider (oidc-provider on loopback) for linked identities, and
/// refuses every token that is not exactly right; HS256 tokens keep working beside them.
/// </summary>
public sealed class ProviderTokenTests(ProviderServer server) : IClassFixture<ProviderServer>
{
    private static string NewLogin() => $"user-{Guid.NewGuid():N}";

    private async Task<HttpResponseMessage> MeAsync(string token)
    {
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync("/api/v1/me");
    }

    [Fact]
    public async Task Me_ProviderTokenOfLinkedIdentity_IsThatPerson()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = NewLogin();
        await server.LinkAsync(org.MentorA, login);
        var me = await (await MeAsync(await server.Provider.AccessTokenAsync(login))).ReadAsync<WhoAmIResponse>();
        Assert.Equal(org.MentorA, me.Person.Id);
        Assert.Equal(["peer_mentor"], me.Roles);
    }

    [Fact]
    public async Task Me_HmacTokenBesideProvider_StillAccepted()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var me = await (await server.As(org.Admin).GetAsync("/api/v1/me")).ReadAsync<WhoAmIResponse>();
        Assert.Equal(org.Admin, me.Person.Id);
    }

    [Fact]
    public async Task Me_ProviderTokenOfUnlinkedIdentity_Returns401IdentityNotLinked()
    {
        await (await MeAsync(await server.Provider.AccessTokenAsync(NewLogin()))).ProblemAsync(401, "identity_not_linked");
    }

    [Fact]
    public async Task Me_ProviderTokenForAnotherAudience_Returns401()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = NewLogin();
        await server.LinkAsync(org.MentorA, login);
        await (await MeAsync(await server.Provider.AccessTokenAsync(login, TestProvider.OtherResource))).ProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task Me_ForgedProviderTokens_AllReturn401()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = NewLogin();
        await server.LinkAsync(org.MentorA, login);
        var provider = server.Provider;
        Assert.Equal(200, (int)(await MeAsync(provider.Sign(provider.Claims(login)))).StatusCode); // the control: right in every way

        var wrongIssuer = provider.Claims(login);
        wrongIssuer["iss"] = "http://127.0.0.1:1";
        var wrongAudience = provider.Claims(login);
        wrongAudience["aud"] = "other-api";
        var expired = provider.Claims(login);
        expired["iat"] = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();
        expired["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var noExpiry = provider.Claims(login);
        noExpiry.Remove("exp");
        var unsigned = $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64(System.Text.Json.JsonSerializer.Serialize(provider.Claims(login)))}.";
        // The classic key confusion: HS256 with the provider's public key as the shared secret, under the key's own id.
        var publicPem = ((RSA)provider.SigningKey.Rsa).ExportSubjectPublicKeyInfoPem();
        var confused = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicPem)) { KeyId = provider.SigningKey.KeyId };
        var otherKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = provider.SigningKey.KeyId };

        (string Why, string Token)[] forged =
        [
            ("wrong issuer", provider.Sign(wrongIssuer)),
            ("wrong audience", provider.Sign(wrongAudience)),
            ("expired", provider.Sign(expired)),
            ("no expiry", provider.Sign(noExpiry)),
            ("alg none", unsigned),
            ("HS256 with the public key", provider.Sign(provider.Claims(login), new SigningCredentials(confused, SecurityAlgorithms.HmacSha256))),
            ("signed by another key under the same kid", provider.Sign(provider.Claims(login), new SigningCredentials(otherKey, SecurityAlgorithms.RsaSha256))),
        ];
        foreach (var (why, token) in forged)
        {
            var response = await MeAsync(token);
            Assert.True(401 == (int)response.StatusCode, $"{why}: {(int)response.StatusCode}");
            await response.ProblemAsync(401, "unauthorized");
        }
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(json);
}
