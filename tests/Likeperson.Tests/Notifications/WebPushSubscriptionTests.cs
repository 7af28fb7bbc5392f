using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Likeperson.Database;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// POST/GET/DELETE /me/web-push-subscriptions and the VAPID public key, on a server with the defaults (https endpoints
/// only): what a browser sends is stored once per endpoint, every bad input is a 4xx that stores nothing, at most 20 per
/// person; the key pair is generated once and shared by every instance.
/// </summary>
public sealed class WebPushSubscriptionTests(TestServer server) : IClassFixture<TestServer>
{
    private const string AndroidChrome = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    private readonly World _world = new(server.Worker);

    private static string P256dh() => Base64Url.EncodeToString(BrowserKey());

    private static byte[] BrowserKey()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    private static string Auth(int bytes = 16) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static string Endpoint() => $"https://push.example.test/send/{Guid.NewGuid():N}";

    private static object Body(string? endpoint, string? p256dh, string? auth) =>
        new { endpoint, expirationTime = (object?)null, keys = new { p256dh, auth } };

    private async Task<HttpResponseMessage> SubscribeAsync(Guid person, object body, string userAgent = AndroidChrome)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/web-push-subscriptions") { Content = JsonContent.Create(body) };
        request.Headers.UserAgent.ParseAdd(userAgent);
        return await server.As(person).SendAsync(request);
    }

    private async Task<List<(string Endpoint, Guid Person, string P256dh)>> StoredAsync(string like)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, Guid, string)>(
            "SELECT endpoint, person_id, p256dh FROM web_push_subscriptions WHERE endpoint LIKE @like ORDER BY created_at, endpoint", new { like })).ToList();
    }

    private async Task<JsonElement[]> ListAsync(Guid person) =>
        (await (await server.As(person).GetAsync("/api/v1/me/web-push-subscriptions")).ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();

    [Fact]
    public async Task Subscribe_WhatTheBrowserSends_IsStoredOnceAndListedWithTheDeviceName()
    {
        var org = await _world.StandardOrgAsync();
        var endpoint = Endpoint();
        var created = await (await SubscribeAsync(org.CoordinatorA, Body(endpoint, P256dh(), Auth()))).ReadAsync<JsonElement>(201);
        Assert.Equal(("Chrome · Android", endpoint), (created.GetProperty("device_name").GetString(), created.GetProperty("endpoint").GetString()));

        var renewed = P256dh(); // the browser renewed its keys: the same endpoint again
        var again = await (await SubscribeAsync(org.CoordinatorA, Body(endpoint, renewed, Auth()))).ReadAsync<JsonElement>(201);
        Assert.Equal(created.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal([(endpoint, org.CoordinatorA, renewed)], await StoredAsync(endpoint));

        var listed = Assert.Single(await ListAsync(org.CoordinatorA));
        Assert.Equal((created.GetProperty("id").GetGuid(), "Chrome · Android"), (listed.GetProperty("id").GetGuid(), listed.GetProperty("device_name").GetString()));
        Assert.Empty(await ListAsync(org.CoordinatorB)); // each person sees their own
    }

    [Fact]
    public async Task Subscribe_EndpointOfAnotherPerson_MovesToTheCaller()
    {
        var first = await _world.StandardOrgAsync();
        var second = await _world.StandardOrgAsync();
        var endpoint = Endpoint();
        await (await SubscribeAsync(first.CoordinatorA, Body(endpoint, P256dh(), Auth()))).ReadAsync<JsonElement>(201);
        await (await SubscribeAsync(second.MentorA, Body(endpoint, P256dh(), Auth()))).ReadAsync<JsonElement>(201); // signed in on that browser now

        Assert.Equal(second.MentorA, Assert.Single(await StoredAsync(endpoint)).Person);
        Assert.Empty(await ListAsync(first.CoordinatorA));
    }

    public static TheoryData<string, string, string?, string?, string?> BadSubscriptions()
    {
        var good = P256dh();
        var offCurve = Base64Url.EncodeToString([0x04, .. new byte[63], 1]);
        var compressed = Base64Url.EncodeToString(BrowserKey()[..33]);
        return new()
        {
            { "endpoint", "missing", null, good, Auth() },
            { "endpoint", "plain http", "http://push.example.test/x", good, Auth() },
            { "endpoint", "not a URL", "push service", good, Auth() },
            { "endpoint", "ftp", "ftp://push.example.test/x", good, Auth() },
            { "endpoint", "too long", "https://push.example.test/" + new string('a', 2100), good, Auth() },
            { "keys.p256dh", "missing", Endpoint(), null, Auth() },
            { "keys.p256dh", "not base64url", Endpoint(), "***", Auth() },
            { "keys.p256dh", "compressed point", Endpoint(), compressed, Auth() },
            { "keys.p256dh", "not on the curve", Endpoint(), offCurve, Auth() },
            { "keys.auth", "missing", Endpoint(), good, null },
            { "keys.auth", "15 bytes", Endpoint(), good, Auth(15) },
            { "keys.auth", "32 bytes", Endpoint(), good, Auth(32) },
        };
    }

    [Theory]
    [MemberData(nameof(BadSubscriptions))]
    public async Task Subscribe_BadInput_Is422ForThatFieldAndStoresNothing(string field, string why, string? endpoint, string? p256dh, string? auth)
    {
        var org = await _world.StandardOrgAsync();
        var problem = await (await SubscribeAsync(org.CoordinatorA, Body(endpoint, p256dh, auth))).ProblemAsync(422, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{why}: {problem}");
        Assert.Empty(await ListAsync(org.CoordinatorA));
    }

    [Fact]
    public async Task Subscribe_MalformedOrUnauthenticated_Is4xxAndStoresNothing()
    {
        var org = await _world.StandardOrgAsync();
        var response = await server.As(org.CoordinatorA).PostRawAsync("/api/v1/me/web-push-subscriptions", """{"endpoint": 5, "keys": []}""");
        await response.ProblemAsync(400, "malformed_request");
        var anonymous = await server.Anonymous().PostAsJsonAsync("/api/v1/me/web-push-subscriptions", Body(Endpoint(), P256dh(), Auth()));
        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Empty(await ListAsync(org.CoordinatorA));
    }

    [Fact]
    public async Task Subscribe_TwentyFirstBrowser_Is422TooManyAndAKnownOneStillRenews()
    {
        var org = await _world.StandardOrgAsync();
        var prefix = $"https://push.example.test/many-{Guid.NewGuid():N}-";
        for (var i = 1; i <= WebPushApi.MaxPerPerson; i++)
            await (await SubscribeAsync(org.MentorA, Body($"{prefix}{i:D2}", P256dh(), Auth()))).ReadAsync<JsonElement>(201);

        var refused = await (await SubscribeAsync(org.MentorA, Body($"{prefix}21", P256dh(), Auth()))).ProblemAsync(422, "too_many_subscriptions");
        Assert.Contains("20", refused.GetProperty("detail").GetString());
        await (await SubscribeAsync(org.MentorA, Body($"{prefix}01", P256dh(), Auth()))).ReadAsync<JsonElement>(201);
        Assert.Equal(WebPushApi.MaxPerPerson, (await StoredAsync(prefix + "%")).Count);
    }

    [Fact]
    public async Task Unsubscribe_ByEndpoint_IsOwnOnly()
    {
        var org = await _world.StandardOrgAsync();
        var endpoint = Endpoint();
        await (await SubscribeAsync(org.CoordinatorA, Body(endpoint, P256dh(), Auth()))).ReadAsync<JsonElement>(201);
        var path = $"/api/v1/me/web-push-subscriptions?endpoint={Uri.EscapeDataString(endpoint)}";

        await (await server.As(org.CoordinatorB).DeleteAsync(path)).ProblemAsync(404, "not_found");
        Assert.Single(await StoredAsync(endpoint));
        await (await server.As(org.CoordinatorA).DeleteAsync("/api/v1/me/web-push-subscriptions")).ProblemAsync(422, "validation_failed");
        Assert.Equal(204, (int)(await server.As(org.CoordinatorA).DeleteAsync(path)).StatusCode);
        Assert.Empty(await StoredAsync(endpoint));
        await (await server.As(org.CoordinatorA).DeleteAsync(path)).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task PublicKey_TwoInstancesStartingTogether_UseTheOneStoredPair()
    {
        var fresh = new TestServer(); // its own new database: no key pair yet
        await fresh.InitializeAsync();
        try
        {
            var second = await fresh.StartAsync();
            var clients = new[] { fresh.Anonymous(), new HttpClient { BaseAddress = TestServer.AddressOf(second) } };
            var keys = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
                (await (await clients[i % 2].GetAsync("/api/v1/web-push/public-key")).ReadAsync<JsonElement>()).GetProperty("public_key").GetString()!));
            // More first starts racing on the same database, each with its own VapidKeys.
            var db = fresh.Services.GetRequiredService<Db>();
            var racers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => new VapidKeys(db, new PushOptions()).GetAsync()));

            Assert.Single(keys.Concat(racers.Select(r => r.PublicKey)).Distinct());
            await using var conn = await fresh.Worker.OpenConnectionAsync();
            var stored = Assert.Single(await conn.QueryAsync<(string Public, string Private)>("SELECT public_key, private_key FROM web_push_keys"));
            Assert.Equal(keys[0], stored.Public);
            Assert.True(VapidKeys.IsValidPair(stored.Public, stored.Private));
            Assert.Equal(65, Base64Url.DecodeFromChars(stored.Public).Length);
            await second.DisposeAsync();
        }
        finally { await fresh.DisposeAsync(); }
    }

    [Fact]
    public async Task PublicKey_Configured_IsTheOneServedAndNothingIsGenerated()
    {
        var pair = VapidKeys.Generate();
        var configured = await server.StartAsync(new Dictionary<string, string?>
        {
            ["Push:WebPush:PublicKey"] = pair.PublicKey, ["Push:WebPush:PrivateKey"] = pair.PrivateKey,
        });
        try
        {
            var client = new HttpClient { BaseAddress = TestServer.AddressOf(configured) };
            var served = await (await client.GetAsync("/api/v1/web-push/public-key")).ReadAsync<JsonElement>();
            Assert.Equal(pair.PublicKey, served.GetProperty("public_key").GetString());
        }
        finally { await configured.DisposeAsync(); }
    }

    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari · iPhone")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge · Windows")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox · Linux")]
    [InlineData(AndroidChrome, "Chrome · Android")]
    [InlineData("", "Web")]
    public void DeviceName_FromUserAgent_NamesBrowserAndSystem(string userAgent, string expected) =>
        Assert.Equal(expected, DeviceNames.FromUserAgent(userAgent));
}
