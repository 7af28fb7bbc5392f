using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>A server that allows three writes per person per minute.</summary>
public sealed class ThreeWritesServer : TestServer
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Limits:WritesPerMinute"] = "3" };
}

/// <summary>Limits:WritesPerMinute: each person's writes in a minute are counted; one too many is 429 rate_limited with Retry-After.</summary>
public sealed class RateLimitTests(ThreeWritesServer server) : IClassFixture<ThreeWritesServer>
{
    private readonly World _world = new(server.Worker);

    private Task<HttpResponseMessage> RegisterAsync(Guid person, string token) =>
        server.As(person).PostJsonAsync("/api/v1/me/devices", new { token, platform = "ios" });

    [Fact]
    public async Task Writes_OneMoreThanTheLimitInAMinute_Is429WithRetryAfterAndChangesNothing()
    {
        var org = await _world.StandardOrgAsync();
        Assert.Equal(201, (int)(await RegisterAsync(org.CoordinatorA, $"a-{Guid.NewGuid()}")).StatusCode);
        await (await RegisterAsync(org.CoordinatorA, " ")).ProblemAsync(422, "validation_failed"); // refused writes count too
        Assert.Equal(201, (int)(await RegisterAsync(org.CoordinatorA, $"b-{Guid.NewGuid()}")).StatusCode);

        var token = $"c-{Guid.NewGuid()}";
        var response = await RegisterAsync(org.CoordinatorA, token);
        var problem = await response.ProblemAsync(429, "rate_limited");
        Assert.Contains("3", problem.GetProperty("detail").GetString());
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {response.Headers.RetryAfter}");
        await using (var conn = await server.Worker.OpenConnectionAsync())
            Assert.Equal(0, await Dapper.SqlMapper.ExecuteScalarAsync<int>(conn, "SELECT count(*) FROM devices WHERE token = @token", new { token }));

        Assert.Equal(200, (int)(await server.As(org.CoordinatorA).GetAsync("/api/v1/me/notification-preferences")).StatusCode); // reads are not counted
        Assert.Equal(201, (int)(await RegisterAsync(org.CoordinatorB, $"d-{Guid.NewGuid()}")).StatusCode); // another person has their own count
    }
}
