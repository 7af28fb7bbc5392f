using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Likeperson.Tests.Notifications;

/// <summary>A browser's side of a push subscription: the P-256 key pair and the 16-byte auth secret it made.</summary>
public sealed class BrowserSubscription(string endpoint) : IDisposable
{
    public string Endpoint { get; } = endpoint;
    public ECDiffieHellman Key { get; } = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    public byte[] AuthSecret { get; } = RandomNumberGenerator.GetBytes(16);
    public byte[] PublicKey => [0x04, .. Key.ExportParameters(false).Q.X!, .. Key.ExportParameters(false).Q.Y!];

    /// <summary>What `PushSubscription.toJSON()` gives the page to send to the server.</summary>
    public object ToJson() => new
    {
        endpoint = Endpoint, expirationTime = (object?)null,
        keys = new { p256dh = Base64Url.EncodeToString(PublicKey), auth = Base64Url.EncodeToString(AuthSecret) },
    };

    public void Dispose() => Key.Dispose();
}

/// <summary>One message a push service received, as the browser would read it, with what the service checked.</summary>
public sealed record WebPushDelivery(string Name, string? Ttl, string? Urgency, string? ContentEncoding, string? Subject, string? Audience,
    DateTimeOffset? Expires, string? VapidProblem, string? Plaintext)
{
    public JsonElement Payload => JsonDocument.Parse(Plaintext!).RootElement;
}

/// <summary>
/// The outside world for Web Push: an RFC 8030 push service on loopback. Each request is checked as a real push service
/// and browser would: `Authorization: vapid t=&lt;JWT&gt;, k=&lt;key&gt;` with an ES256 JWT verified over the `k` key, its aud the
/// endpoint's origin, exp at most 24 h ahead and a mailto:/https: sub (RFC 8292), and the aes128gcm body decrypted with
/// the subscription's private key and auth secret (RFC 8291; RFC 8188 framing). A bad VAPID token is answered 403. How a
/// good request is answered depends on the subscription's name: `gone-` → 410, `missing-` → 404, `throttled-` → 429 with
/// Retry-After: 1 once, `broken-` → 500 always; anything else → 201.
/// </summary>
public sealed class FakePushService : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, BrowserSubscription> _subscriptions = new();
    private readonly ConcurrentDictionary<string, int> _seen = new();
    private WebApplication _app = null!;

    public ConcurrentQueue<WebPushDelivery> Deliveries { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<WebPushDelivery> To(BrowserSubscription s) => Deliveries.Where(d => d.Name == Path.GetFileName(s.Endpoint)).ToList();

    public static async Task<FakePushService> StartAsync()
    {
        var fake = new FakePushService();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        fake._app = builder.Build();
        fake._app.MapPost("/push/{name}", fake.HandleAsync);
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    /// <summary>A new browser subscription at this service (what pushManager.subscribe gives a page).</summary>
    public BrowserSubscription Subscribe(string prefix = "browser-")
    {
        var s = new BrowserSubscription(new Uri(BaseAddress, $"/push/{prefix}{Guid.NewGuid():N}").ToString());
        _subscriptions[Path.GetFileName(s.Endpoint)] = s;
        return s;
    }

    private async Task HandleAsync(string name, HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var headers = http.Request.Headers;
        var (subject, audience, expires, problem) = CheckVapid(headers.Authorization.ToString(), BaseAddress);
        string? plaintext = null;
        if (_subscriptions.TryGetValue(name, out var subscription) && headers.ContentEncoding == "aes128gcm")
        {
            try { plaintext = Encoding.UTF8.GetString(Decrypt(buffer.ToArray(), subscription)); }
            catch (Exception e) when (e is CryptographicException or ArgumentException) { problem ??= $"undecryptable: {e.Message}"; }
        }
        Deliveries.Enqueue(new(name, headers["TTL"], headers["Urgency"], headers.ContentEncoding, subject, audience, expires, problem, plaintext));
        var count = _seen.AddOrUpdate(name, 1, (_, n) => n + 1);
        http.Response.StatusCode = problem is not null ? 403
            : name.StartsWith("gone-") ? 410
            : name.StartsWith("missing-") ? 404
            : name.StartsWith("throttled-") && count == 1 ? 429
            : name.StartsWith("broken-") ? 500
            : 201;
        if (http.Response.StatusCode == 429) http.Response.Headers.RetryAfter = "1";
        if (problem is not null) await http.Response.WriteAsync(problem);
    }

    /// <summary>RFC 8292: `vapid t=JWT, k=key`; the JWT's ES256 signature verified with k; aud, exp and sub as the RFC says.</summary>
    private static (string? Sub, string? Aud, DateTimeOffset? Exp, string? Problem) CheckVapid(string authorization, Uri origin)
    {
        if (!authorization.StartsWith("vapid ")) return (null, null, null, $"not the vapid scheme: '{authorization}'");
        var parts = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var jwt) || !parts.TryGetValue("k", out var k)) return (null, null, null, "t or k missing");
        var segments = jwt.Split('.');
        if (segments.Length != 3) return (null, null, null, "t is not a JWT");
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[0])).RootElement;
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[1])).RootElement;
        var sub = claims.TryGetProperty("sub", out var s) ? s.GetString() : null;
        var aud = claims.TryGetProperty("aud", out var a) ? a.GetString() : null;
        var exp = claims.TryGetProperty("exp", out var e) ? DateTimeOffset.FromUnixTimeSeconds(e.GetInt64()) : (DateTimeOffset?)null;
        var point = Base64Url.DecodeFromChars(k);
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        var signed = key.VerifyData(Encoding.ASCII.GetBytes($"{segments[0]}.{segments[1]}"), Base64Url.DecodeFromChars(segments[2]), HashAlgorithmName.SHA256);
        var expected = origin.GetLeftPart(UriPartial.Authority);
        string? problem = header.GetProperty("alg").GetString() != "ES256" ? "alg is not ES256"
            : !signed ? "the JWT's signature does not verify with k"
            : aud != expected ? $"aud {aud} is not the endpoint's origin {expected}"
            : exp is null || exp <= DateTimeOffset.UtcNow || exp > DateTimeOffset.UtcNow.AddHours(24) ? $"exp {exp} is not within 24 hours"
            : sub is null || !(sub.StartsWith("mailto:") || sub.StartsWith("https:")) ? $"sub {sub} is not mailto: or https:"
            : null;
        return (sub, aud, exp, problem);
    }

    /// <summary>
    /// RFC 8291 §3.4 and RFC 8188: header salt(16) ‖ rs(4) ‖ idlen(1) ‖ keyid (the sender's ephemeral public key), then one
    /// record: AES-128-GCM of the plaintext ‖ 0x02 ‖ padding, under a key and nonce derived from the ECDH secret and auth.
    /// </summary>
    public static byte[] Decrypt(byte[] body, BrowserSubscription s)
    {
        var salt = body[..16];
        var rs = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        var idLength = body[20];
        var senderKey = body[21..(21 + idLength)];
        var record = body[(21 + idLength)..];
        if (record.Length > rs || rs > 4096) throw new ArgumentException($"record of {record.Length} bytes, rs {rs}: a push message is one record of at most 4096 bytes");
        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = senderKey[1..33], Y = senderKey[33..] },
        });
        var ecdhSecret = s.Key.DeriveRawSecretAgreement(sender.PublicKey);
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. s.PublicKey, .. senderKey];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, ecdhSecret, 32, s.AuthSecret, keyInfo);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());
        var plain = new byte[record.Length - 16];
        using (var aes = new AesGcm(cek, 16)) aes.Decrypt(nonce, record[..^16], record[^16..], plain);
        var end = plain.Length - 1;
        while (end >= 0 && plain[end] == 0) end--;
        if (end < 0 || plain[end] != 0x02) throw new ArgumentException("the last record's padding delimiter (0x02) is missing");
        return plain[..end];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        foreach (var s in _subscriptions.Values) s.Dispose();
    }
}
