using System.Net.Http.Headers;
using System.Text;
using Likeperson.Auth;
using Likeperson.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Likeperson.Tests.Foundation;

/// <summary>401 for every setup endpoint with a missing or invalid token, before anything is read or written.</summary>
public sealed class AuthenticationTests(TestServer server) : IClassFixture<TestServer>
{
    public static TheoryData<string, string> Endpoints() => new()
    {
        { "POST", "/api/v1/organizations" },
        { "PATCH", "/api/v1/organizations/{org}/settings" },
        { "POST", "/api/v1/organizations/{org}/chapters" },
        { "POST", "/api/v1/organizations/{org}/people" },
        { "PUT", "/api/v1/organizations/{org}/people/{person}/memberships" },
        { "POST", "/api/v1/contacts" },
        { "GET", "/api/v1/mentors/{person}" },
    };

    private AuthSettings SignedBy(string? secret = null, string? issuer = null, string? audience = null) => new()
    {
        Issuer = issuer ?? server.Auth.Issuer,
        Audience = audience ?? server.Auth.Audience,
        SigningKey = secret is null ? server.Auth.SigningKey : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
        SystemAdmins = server.Auth.SystemAdmins,
    };

    /// <summary>Tokens that must all be refused, for a subject that would otherwise be allowed everything.</summary>
    private IEnumerable<(string Why, string? Token)> BadTokens(string subject)
    {
        var header = Convert.ToBase64String("""{"alg":"none","typ":"JWT"}"""u8.ToArray()).TrimEnd('=');
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $$"""{"sub":"{{subject}}","iss":"likeperson","aud":"likeperson","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""")).TrimEnd('=');
        yield return ("missing", null);
        yield return ("expired", server.Auth.Mint(subject, TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-2)));
        yield return ("badly signed", SignedBy(secret: "another-secret-of-at-least-32-bytes-0123456789").Mint(subject, TimeSpan.FromHours(1)));
        yield return ("wrong issuer", SignedBy(issuer: "someone-else").Mint(subject, TimeSpan.FromHours(1)));
        yield return ("wrong audience", SignedBy(audience: "someone-else").Mint(subject, TimeSpan.FromHours(1)));
        yield return ("unsigned", $"{header}.{payload}.");
        yield return ("HS384", Token(subject, SecurityAlgorithms.HmacSha384, DateTime.UtcNow.AddHours(1)));
        yield return ("no expiry", Token(subject, SecurityAlgorithms.HmacSha256, expires: null));
        yield return ("garbage", "not-a-jwt");
    }

    /// <summary>A token with the server's key, issuer and audience, but the given algorithm and expiry.</summary>
    private string Token(string subject, string algorithm, DateTime? expires) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
        .CreateToken(new SecurityTokenDescriptor
        {
            Issuer = server.Auth.Issuer, Audience = server.Auth.Audience, Expires = expires,
            Subject = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", subject)]),
            SigningCredentials = new SigningCredentials(server.Auth.SigningKey, algorithm),
        });

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Request_MissingOrInvalidToken_Returns401AndChangesNothing(string method, string template)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var url = template.Replace("{org}", org.Id.ToString()).Replace("{person}", org.MentorA.ToString());
        var subject = template == "/api/v1/organizations" ? TestServer.SystemAdmin : org.Admin.ToString(); // allowed with a good token
        HttpRequestMessage Request(string? token)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (method != "GET")
                request.Content = new StringContent($$"""{"name":"x","display_name":"x","chapter_id":"{{org.ChapterA}}","memberships":[]}""",
                    Encoding.UTF8, "application/json");
            return request;
        }
        var before = await ApiShape.SetupStateAsync(server.Worker);
        foreach (var (why, token) in BadTokens(subject))
        {
            var response = await server.Anonymous().SendAsync(Request(token));
            Assert.True(401 == (int)response.StatusCode, $"{why} token: {(int)response.StatusCode}");
            await response.ProblemAsync(401, "unauthorized");
        }
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
        var good = await server.Anonymous().SendAsync(Request(server.Token(subject)));
        Assert.True((int)good.StatusCode is 200 or 201, $"the same request with a good token: {(int)good.StatusCode}");
    }

    [Fact]
    public async Task Request_ValidTokenOfUnknownSubject_IsAuthenticatedButFindsNothing()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await (await server.As(Guid.NewGuid()).GetAsync($"/api/v1/mentors/{org.MentorA}")).ProblemAsync(404, "not_found");
        await (await server.As("not-a-uuid").GetAsync($"/api/v1/organizations/{org.Id}")).ProblemAsync(404, "not_found");
    }
}
