using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Organizations;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Auth;

/// <summary>
/// Invitations: who may make one, what is stored (only the code's hash), and using one through the real provider: it links
/// the identity once; a used, expired or unknown code, or an identity linked to someone else, gets a page saying which and
/// changes nothing; concurrent uses of one code link exactly one identity.
/// </summary>
public sealed partial class InvitationTests(ProviderServer server) : IClassFixture<ProviderServer>
{
    private static string NewLogin() => $"user-{Guid.NewGuid():N}";

    private async Task<(string Url, string Code, JsonElement Body)> InviteAsync(Guid caller, Guid org, Guid person)
    {
        var response = await server.As(caller).PostAsync($"/api/v1/organizations/{org}/people/{person}/invitations", null);
        var body = await response.ReadAsync<JsonElement>(201);
        var url = body.GetProperty("url").GetString()!;
        Assert.Equal(url, response.Headers.Location!.ToString());
        return (url, CodeOf().Match(url).Groups[1].Value, body);
    }

    private async Task<long> CountAsync(string table)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
    }

    [Fact]
    public async Task Create_OrgAdmin_GivesAOneTimeLinkStoredOnlyAsItsHash()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var (url, code, body) = await InviteAsync(org.Admin, org.Id, org.MentorA);
        Assert.StartsWith($"{server.BaseAddress}invite/", url);
        Assert.Equal(43, code.Length); // 256 random bits, base64url
        var expires = body.GetProperty("expires_at").GetDateTime();
        Assert.InRange(expires, DateTime.UtcNow.AddDays(7).AddMinutes(-5), DateTime.UtcNow.AddDays(7).AddMinutes(5)); // Auth:InvitationDays
        await using var conn = await server.Worker.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<string>("SELECT row_to_json(i)::text FROM invitations i WHERE id = @id",
            new { id = body.GetProperty("id").GetGuid() });
        Assert.DoesNotContain(code, row);
        Assert.True(await conn.ExecuteScalarAsync<bool>("SELECT code_hash = @hash FROM invitations WHERE id = @id",
            new { id = body.GetProperty("id").GetGuid(), hash = SHA256.HashData(Encoding.UTF8.GetBytes(code)) }));
    }

    [Fact]
    public async Task Create_ByRole_CoordinatorOfThePersonsChapterOnly()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await InviteAsync(org.CoordinatorA, org.Id, org.MentorA);
        var before = await CountAsync("invitations");
        var url = $"/api/v1/organizations/{org.Id}/people/{org.MentorA}/invitations";
        await (await server.As(org.CoordinatorB).PostAsync(url, null)).ProblemAsync(404, "not_found");
        await (await server.As(org.MentorA2).PostAsync(url, null)).ProblemAsync(403, "forbidden");
        var other = await new World(server.Worker).StandardOrgAsync();
        await (await server.As(other.Admin).PostAsync(url, null)).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).PostAsync($"/api/v1/organizations/{org.Id}/people/{Guid.NewGuid()}/invitations", null)).ProblemAsync(404, "not_found");
        await (await server.Anonymous().PostAsync(url, null)).ProblemAsync(401, "unauthorized");
        Assert.Equal(before, await CountAsync("invitations"));
    }

    [Fact]
    public async Task Accept_ThroughTheProvider_LinksTheIdentityAndLandsHomeOnce()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var (_, code, _) = await InviteAsync(org.Admin, org.Id, org.MentorA);
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        var page = await (await flow.GetAsync($"/invite/{code}")).Content.ReadAsStringAsync();
        Assert.Contains("Mentor A is invited to", page);
        var login = NewLogin();
        await flow.PostFormAsync($"/invite/{code}", $"/invite/{code}", login);
        Assert.Equal("/my", flow.Landed.AbsolutePath); // a mentor's home, as Mentor A
        Assert.Contains("Mentor A", await flow.Last.Content.ReadAsStringAsync());

        var identities = await (await server.As(org.Admin).GetAsync($"/api/v1/organizations/{org.Id}/people/{org.MentorA}/identities"))
            .ReadAsync<JsonElement>();
        var item = Assert.Single(identities.GetProperty("items").EnumerateArray());
        Assert.Equal((server.Provider.IssuerName, login), (item.GetProperty("issuer").GetString(), item.GetProperty("subject").GetString()));
        Assert.NotEqual(JsonValueKind.Null, item.GetProperty("last_sign_in_at").ValueKind);

        // The provider's access token for that identity now works on the API, as Mentor A.
        var me = await (await server.AsProviderUserAsync(login)).GetAsync("/api/v1/me");
        Assert.Contains(org.MentorA.ToString(), await me.Content.ReadAsStringAsync());

        // Used up: another identity opening the link is told so, and nothing changes.
        using var second = new ProviderFlow(server.BaseAddress, server.Provider);
        var reused = await second.GetAsync($"/invite/{code}");
        Assert.Equal(HttpStatusCode.Gone, reused.StatusCode);
        Assert.Contains("This invitation has been used", await reused.Content.ReadAsStringAsync());
        Assert.DoesNotContain("invite-accept", await reused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Accept_ExpiredUnknownOrMalformedCode_SaysWhichAndChangesNothing()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var (_, code, body) = await InviteAsync(org.Admin, org.Id, org.MentorA);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE invitations SET created_at = now() - interval '9 days', expires_at = now() - interval '2 days' WHERE id = @id",
                new { id = body.GetProperty("id").GetGuid() });
        var links = await CountAsync("identity_links");
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        var expired = await flow.GetAsync($"/invite/{code}");
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("This invitation has expired", await expired.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Mentor A", await expired.Content.ReadAsStringAsync());

        var unknown = await flow.GetAsync($"/invite/{Invitations.NewCode()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("This invitation link is not valid", await unknown.Content.ReadAsStringAsync());
        foreach (var malformed in new[] { "abc", new string('x', 300), "bad.code~" })
            Assert.Equal(HttpStatusCode.NotFound, (await flow.GetAsync($"/invite/{malformed}")).StatusCode);
        Assert.Equal(links, await CountAsync("identity_links"));
    }

    [Fact]
    public async Task Accept_IdentityLinkedToSomeoneElse_SaysSoAndLeavesTheInvitationUnused()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = NewLogin();
        await server.LinkAsync(org.MentorA2, login);
        var (_, code, body) = await InviteAsync(org.Admin, org.Id, org.MentorA);
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        await flow.PostFormAsync($"/invite/{code}", $"/invite/{code}", login);
        Assert.Equal(HttpStatusCode.Conflict, flow.Last.StatusCode);
        Assert.Contains("Your account already belongs to someone else", await flow.Last.Content.ReadAsStringAsync());
        await using var conn = await server.Worker.OpenConnectionAsync();
        Assert.Null(await conn.ExecuteScalarAsync<DateTime?>("SELECT used_at FROM invitations WHERE id = @id", new { id = body.GetProperty("id").GetGuid() }));
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM identity_links WHERE person_id = @p", new { p = org.MentorA }));
        await flow.GetAsync("/my");
        Assert.Equal("/signin", flow.Landed.AbsolutePath); // no session was started either
    }

    [Fact]
    public async Task Accept_ConcurrentUsesOfOneCode_LinkExactlyOneIdentity()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var (_, code, _) = await InviteAsync(org.Admin, org.Id, org.MentorA);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(code));
        using var start = new Barrier(8);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await using var conn = new NpgsqlConnection(server.Database.Application); // as the application role, like the page
            await conn.OpenAsync();
            start.SignalAndWait();
            return await conn.ExecuteScalarAsync<string>("SELECT state FROM invitation_accept(@hash, @issuer, @subject)",
                new { hash, issuer = server.Provider.IssuerName, subject = $"racer-{i}-{Guid.NewGuid():N}" });
        })));
        Assert.Equal(1, outcomes.Count(o => o == "linked"));
        Assert.All(outcomes.Where(o => o != "linked"), o => Assert.Equal("used", o));
        await using var check = await server.Worker.OpenConnectionAsync();
        Assert.Equal(1, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM identity_links WHERE person_id = @p", new { p = org.MentorA }));
    }

    [GeneratedRegex("/invite/([A-Za-z0-9_-]+)$")]
    private static partial Regex CodeOf();
}
