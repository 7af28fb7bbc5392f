using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// Device tokens and organisations: a token registered for a person of one organisation does not silently move to a
/// person of another (409 device_in_use until its owner signs out); at most 20 tokens per person.
/// </summary>
public sealed class DeviceTokenTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private Task<HttpResponseMessage> RegisterAsync(Guid person, string token) =>
        server.As(person).PostJsonAsync("/api/v1/me/devices", new { token, platform = "android" });

    private async Task<List<(string Token, Guid Person)>> DevicesAsync(string like)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, Guid)>("SELECT token, person_id FROM devices WHERE token LIKE @like ORDER BY token", new { like })).ToList();
    }

    [Fact]
    public async Task Register_TokenOfAPersonInAnotherOrganisation_Is409UntilTheOwnerSignsOut()
    {
        var first = await _world.StandardOrgAsync();
        var second = await _world.StandardOrgAsync();
        var token = $"phone-{Guid.NewGuid()}";
        Assert.Equal(201, (int)(await RegisterAsync(first.CoordinatorA, token)).StatusCode);

        var refused = await (await RegisterAsync(second.CoordinatorA, token)).ProblemAsync(409, "device_in_use");
        Assert.Contains("sign", refused.GetProperty("detail").GetString());
        Assert.Equal([(token, first.CoordinatorA)], await DevicesAsync(token)); // still the first organisation's phone
        await (await server.As(second.CoordinatorA).DeleteAsync($"/api/v1/me/devices/{token}")).ProblemAsync(404, "not_found");

        Assert.Equal(204, (int)(await server.As(first.CoordinatorA).DeleteAsync($"/api/v1/me/devices/{token}")).StatusCode); // signed out
        Assert.Equal(201, (int)(await RegisterAsync(second.CoordinatorA, token)).StatusCode);
        Assert.Equal([(token, second.CoordinatorA)], await DevicesAsync(token));
    }

    [Fact]
    public async Task Register_TwentyFirstToken_DropsTheOneRegisteredLongestAgo()
    {
        var org = await _world.StandardOrgAsync();
        var prefix = $"many-{Guid.NewGuid():N}-";
        string Token(int i) => $"{prefix}{i:D2}";
        for (var i = 1; i <= 20; i++) Assert.Equal(201, (int)(await RegisterAsync(org.MentorA, Token(i))).StatusCode);
        Assert.Equal(20, (await DevicesAsync(prefix + "%")).Count);

        Assert.Equal(201, (int)(await RegisterAsync(org.MentorA, Token(1))).StatusCode); // the app started again on phone 1
        Assert.Equal(201, (int)(await RegisterAsync(org.MentorA, Token(21))).StatusCode);
        var kept = (await DevicesAsync(prefix + "%")).Select(d => d.Token).ToList();
        Assert.Equal(20, kept.Count);
        Assert.DoesNotContain(Token(2), kept);
        Assert.Contains(Token(1), kept);
        Assert.Contains(Token(21), kept);
        Assert.Equal(201, (int)(await RegisterAsync(org.MentorA2, Token(99))).StatusCode); // another person's count is their own
        Assert.Equal(21, (await DevicesAsync(prefix + "%")).Count);
    }
}
