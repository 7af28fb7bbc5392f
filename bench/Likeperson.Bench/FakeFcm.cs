using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Likeperson.Bench;

/// <summary>One message FCM received: when (Stopwatch timestamp), for which mentor, of which notification type, which row.</summary>
public sealed record FcmArrival(long Timestamp, string? MentorId, string? Type, string? NotificationId);

/// <summary>
/// FCM HTTP v1 on loopback for the push benchmarks (Kestrel, real HTTP): the OAuth token endpoint the generated service
/// account names as its token_uri (any assertion gets a token: what is measured is the server, not Google's checks) and
/// messages:send, which answers 200 at once and records the arrival time with the message's mentor_id and type, so a
/// scenario can compute commit-to-FCM latency and the push rate.
/// </summary>
public sealed class FakeFcm : IAsyncDisposable
{
    private readonly RSA _key = RSA.Create(2048);
    private WebApplication _app = null!;

    public ConcurrentQueue<FcmArrival> Arrivals { get; } = new();
    public string ServiceAccountFile { get; private set; } = "";
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server settings that send push through this fake.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Push:Provider"] = "fcm",
        ["Push:Fcm:ServiceAccountFile"] = ServiceAccountFile,
        ["Push:Fcm:Endpoint"] = BaseAddress.ToString(),
    };

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
        fake.ServiceAccountFile = Path.Combine(Path.GetTempPath(), $"lp-bench-fcm-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(fake.ServiceAccountFile, new JsonObject
        {
            ["type"] = "service_account", ["project_id"] = "likeperson-bench", ["private_key_id"] = "bench-key",
            ["private_key"] = fake._key.ExportPkcs8PrivateKeyPem(), ["client_email"] = "push@likeperson-bench.iam.gserviceaccount.com",
            ["client_id"] = "1", ["token_uri"] = new Uri(fake.BaseAddress, "/token").ToString(),
        }.ToJsonString());
        return fake;
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (http.Request.Path == "/token")
        {
            await http.Response.WriteAsJsonAsync(new { access_token = "bench-access", expires_in = 3600, token_type = "Bearer" });
            return;
        }
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var arrived = Stopwatch.GetTimestamp();
        var data = body.RootElement.GetProperty("message").GetProperty("data");
        Arrivals.Enqueue(new FcmArrival(arrived, Text(data, "mentor_id"), Text(data, "type"), Text(data, "notification_id")));
        await http.Response.WriteAsync("""{"name":"projects/likeperson-bench/messages/1"}""");
    }

    private static string? Text(JsonElement data, string name) => data.TryGetProperty(name, out var v) ? v.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        File.Delete(ServiceAccountFile);
        _key.Dispose();
    }
}
