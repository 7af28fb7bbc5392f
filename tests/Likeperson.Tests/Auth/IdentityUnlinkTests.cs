using System.Net;
using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Auth;

/// <summary>
/// An org admin lists and unlinks a person's identities: after unlinking, the identity's next request is refused (API and
/// web), and the event streams it had open (opened with its provider token or its web session) end within the access
/// check interval (1 s here; the contract's ceiling is 30 s).
/// </summary>
public sealed class IdentityUnlinkTests(ProviderServer server) : IClassFixture<ProviderServer>
{
    [Fact]
    public async Task Unlink_EndsTheIdentitysSessionsStreamsAndTokens()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = $"user-{Guid.NewGuid():N}";
        var link = await server.LinkAsync(org.CoordinatorA, login);
        using var flow = new ProviderFlow(server.BaseAddress, server.Provider);
        await flow.SignInAsync(login, "/board");
        Assert.Equal("/board", flow.Landed.AbsolutePath);
        var token = await server.Provider.AccessTokenAsync(login);

        using var webStream = await flow.Client.GetAsync(new Uri(server.BaseAddress, "/api/v1/events?topics=assignments"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, webStream.StatusCode);
        using var tokenStream = await server.Anonymous().GetAsync($"/api/v1/events?topics=assignments&access_token={token}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, tokenStream.StatusCode);
        var (webText, tokenText) = (webStream.Content.ReadAsStringAsync(), tokenStream.Content.ReadAsStringAsync());

        var identities = $"/api/v1/organizations/{org.Id}/people/{org.CoordinatorA}/identities";
        var listed = await (await server.As(org.Admin).GetAsync(identities)).ReadAsync<JsonElement>();
        Assert.Equal(link, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.NoContent, (await server.As(org.Admin).DeleteAsync($"{identities}/{link}")).StatusCode);

        Assert.Contains(": end access_ended", await webText.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(": end access_ended", await tokenText.WaitAsync(TimeSpan.FromSeconds(20)));
        using var api = server.Anonymous();
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await (await api.GetAsync("/api/v1/me")).ProblemAsync(401, "identity_not_linked");
        await flow.GetAsync("/board");
        Assert.Equal("/signin", flow.Landed.AbsolutePath);
        Assert.Empty((await (await server.As(org.Admin).GetAsync(identities)).ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray());
        await (await server.As(org.Admin).DeleteAsync($"{identities}/{link}")).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task ListAndUnlink_OnlyTheOrgAdmin_ChangesNothingOtherwise()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var link = await server.LinkAsync(org.MentorA, $"user-{Guid.NewGuid():N}");
        var identities = $"/api/v1/organizations/{org.Id}/people/{org.MentorA}/identities";
        await (await server.As(org.CoordinatorA).GetAsync(identities)).ProblemAsync(403, "forbidden");
        await (await server.As(org.CoordinatorA).DeleteAsync($"{identities}/{link}")).ProblemAsync(403, "forbidden");
        await (await server.As(org.MentorA).DeleteAsync($"{identities}/{link}")).ProblemAsync(403, "forbidden");
        var other = await new World(server.Worker).StandardOrgAsync();
        await (await server.As(other.Admin).GetAsync(identities)).ProblemAsync(404, "not_found");
        await (await server.As(other.Admin).DeleteAsync($"{identities}/{link}")).ProblemAsync(404, "not_found");
        // Another person's link under this person's path is not found either.
        var elsewhere = await server.LinkAsync(org.MentorA2, $"user-{Guid.NewGuid():N}");
        await (await server.As(org.Admin).DeleteAsync($"{identities}/{elsewhere}")).ProblemAsync(404, "not_found");
        var listed = await (await server.As(org.Admin).GetAsync(identities)).ReadAsync<JsonElement>();
        Assert.Equal(link, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }
}
