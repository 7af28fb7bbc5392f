using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Likeperson.Tests.Notifications;

/// <summary>One request FCM received: the bearer token and the JSON body.</summary>
public sealed record FcmSend(string? Authorization, string Path, JsonElement Body)
{
    public JsonElement Message => Body.GetProperty("message");
    public string DeviceToken => Message.GetProperty("token").GetString()!;
    public Dictionary<string, string> Data => Message.GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
}

/// <summary>
/// The outside world for push: a real HTTP server on loopback standing in for FCM HTTP v1 and for
/// Google's OAuth token endpoint, which the generated service-account JSON names as its token_uri.
/// The token endpoint verifies the JWT-bearer assertion against the account's public key. How a
/// send is answered depends on the device token's prefix: `unregistered-` → 404 UNREGISTERED, `invalid-`
/// → 400 INVALID_ARGUMENT, `down-` → 503 always, `busy-` → 503 with Retry-After: 1 on the first
/// request, then 200; `throttled-` → 429 with Retry-After: 2 on the first request, then 200;
/// `throttledbare-` → 429 without Retry-After once; `broken-` → 500 once; `dated-` → 503 with an HTTP-date
/// Retry-After 10 s ahead once; `later-` → 503 with Retry-After: 3600 always; anything else → 200.
/// <see cref="FailEverySend"/> makes every send (whatever the token) answer that status: FCM down for good.
/// </summary>
public sealed class FakeFcm : IAsyncDisposable
{
    public const string ProjectId = "likeperson-test";
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, int> _seen = new();
    private readonly ConcurrentDictionary<string, byte> _issued = new();
    private WebApplication _app = null!;
    private int _tokens;

    public ConcurrentQueue<FcmSend> Sends { get; } = new();
    /// <summary>When set (e.g. 500 or 503), every send fails with this status: FCM permanently down. The token endpoint still works.</summary>
    public int? FailEverySend { get; set; }
    /// <summary>`expires_in` of the access tokens handed out (Google's are an hour).</summary>
    public int TokenLifetimeSeconds { get; set; } = 3600;
    public int TokenRequests => _tokens;
    public Uri BaseAddress { get; private set; } = null!;
    public string ServiceAccountFile { get; private set; } = "";

    public IReadOnlyList<FcmSend> SendsTo(string deviceToken) => Sends.Where(s => s.DeviceToken == deviceToken).ToList();

    public static async Task<FakeFcm> StartAsync()
    {
        var fake = new FakeFcm();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        fake._app = builder.Build();
        fake._app.Run(fake.HandleAsync);
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        fake.ServiceAccountFile = Path.Combine(Path.GetTempPath(), $"lp-fcm-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(fake.ServiceAccountFile, new JsonObject
        {
            ["type"] = "service_account", ["project_id"] = ProjectId, ["private_key_id"] = "test-key-1",
            ["private_key"] = fake._key.ExportPkcs8PrivateKeyPem(), ["client_email"] = $"push@{ProjectId}.iam.gserviceaccount.com",
            ["client_id"] = "1", ["token_uri"] = new Uri(fake.BaseAddress, "/token").ToString(),
        }.ToJsonString());
        return fake;
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (http.Request.Path == "/token") { await IssueTokenAsync(http); return; }
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        var send = new FcmSend(http.Request.Headers.Authorization.ToString(), http.Request.Path, body);
        Sends.Enqueue(send);
        if (!send.Authorization!.StartsWith("Bearer ") || !_issued.ContainsKey(send.Authorization["Bearer ".Length..]))
        {
            await ErrorAsync(http, 401, "UNAUTHENTICATED", null);
            return;
        }
        var token = send.DeviceToken;
        var count = _seen.AddOrUpdate(token, 1, (_, n) => n + 1);
        if (FailEverySend is { } failure) await ErrorAsync(http, failure, failure == 500 ? "INTERNAL" : "UNAVAILABLE", null);
        else if (token.StartsWith("unregistered-")) await ErrorAsync(http, 404, "NOT_FOUND", "UNREGISTERED");
        else if (token.StartsWith("invalid-")) await ErrorAsync(http, 400, "INVALID_ARGUMENT", "INVALID_ARGUMENT");
        else if (token.StartsWith("down-")) await ErrorAsync(http, 503, "UNAVAILABLE", "UNAVAILABLE");
        else if (token.StartsWith("busy-") && count == 1)
        {
            http.Response.Headers.RetryAfter = "1";
            await ErrorAsync(http, 503, "UNAVAILABLE", "UNAVAILABLE");
        }
        else if (token.StartsWith("throttled-") && count == 1)
        {
            http.Response.Headers.RetryAfter = "2";
            await ErrorAsync(http, 429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED");
        }
        else if (token.StartsWith("throttledbare-") && count == 1) await ErrorAsync(http, 429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED");
        else if (token.StartsWith("broken-") && count == 1) await ErrorAsync(http, 500, "INTERNAL", "INTERNAL");
        else if (token.StartsWith("dated-") && count == 1)
        {
            http.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(10).ToString("R");
            await ErrorAsync(http, 503, "UNAVAILABLE", "UNAVAILABLE");
        }
        else if (token.StartsWith("later-"))
        {
            http.Response.Headers.RetryAfter = "3600";
            await ErrorAsync(http, 503, "UNAVAILABLE", "UNAVAILABLE");
        }
        else await http.Response.WriteAsJsonAsync(new { name = $"projects/{ProjectId}/messages/{Guid.NewGuid():N}" });
    }

    /// <summary>The JWT-bearer grant: the assertion must be signed by the service account's key, for this token_uri.</summary>
    private async Task IssueTokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(form["assertion"].ToString(), new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(_key.ExportParameters(false)),
            ValidIssuer = $"push@{ProjectId}.iam.gserviceaccount.com",
            ValidAudience = "https://oauth2.googleapis.com/token", // Google.Apis.Auth addresses Google's endpoint, wherever token_uri points
        });
        var scope = result.IsValid && result.Claims.TryGetValue("scope", out var s) ? s?.ToString() : null;
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || scope?.Contains("firebase.messaging") != true)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = "invalid_grant", error_description = (result.Exception?.Message ?? "bad scope") });
            return;
        }
        var access = $"fake-access-{Interlocked.Increment(ref _tokens)}";
        _issued[access] = 0;
        await http.Response.WriteAsJsonAsync(new { access_token = access, expires_in = TokenLifetimeSeconds, token_type = "Bearer" });
    }

    private static Task ErrorAsync(HttpContext http, int status, string statusText, string? errorCode)
    {
        http.Response.StatusCode = status;
        var details = errorCode is null ? new JsonArray()
            : new JsonArray(new JsonObject { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = errorCode });
        return http.Response.WriteAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = status, ["message"] = $"fake {statusText}", ["status"] = statusText, ["details"] = details },
        }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        File.Delete(ServiceAccountFile);
        _key.Dispose();
    }
}
