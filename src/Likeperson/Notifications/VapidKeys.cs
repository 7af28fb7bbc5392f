using System.Buffers.Text;
using System.Security.Cryptography;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Notifications;

/// <summary>The server's VAPID identity (RFC 8292): base64url of the uncompressed P-256 public point and of the private scalar.</summary>
public sealed record VapidKeyPair(string PublicKey, string PrivateKey);

/// <summary>
/// The VAPID key pair every instance signs Web Push with: `Push:WebPush:PublicKey`/`PrivateKey` when configured, else the
/// pair in web_push_keys, which the first instance to need it generates. Concurrent first starts agree: each offers a fresh
/// pair with INSERT … ON CONFLICT DO NOTHING, then all read back the one row that won (a second statement, so it sees the
/// winner's commit). Read once per instance; a failed read is tried again at the next call.
/// </summary>
public sealed class VapidKeys(Db db, PushOptions push)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private VapidKeyPair? _pair;

    public async Task<VapidKeyPair> GetAsync(CancellationToken ct = default)
    {
        if (_pair is { } known) return known;
        await _gate.WaitAsync(ct);
        try
        {
            return _pair ??= push.WebPush is { PublicKey: { Length: > 0 } pub, PrivateKey: { Length: > 0 } priv }
                ? new VapidKeyPair(pub, priv)
                : await StoredAsync(ct);
        }
        finally { _gate.Release(); }
    }

    private Task<VapidKeyPair> StoredAsync(CancellationToken ct) => db.AsWorkerAsync(async conn =>
    {
        var offered = Generate();
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO web_push_keys (public_key, private_key) VALUES (@PublicKey, @PrivateKey) ON CONFLICT (id) DO NOTHING",
            offered, cancellationToken: ct));
        return await conn.QuerySingleAsync<VapidKeyPair>(new CommandDefinition(
            "SELECT public_key, private_key FROM web_push_keys", cancellationToken: ct));
    }, ct);

    /// <summary>A fresh P-256 key pair in the encoding browsers' `applicationServerKey` and VAPID's `k` use.</summary>
    public static VapidKeyPair Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(includePrivateParameters: true);
        return new(Base64Url.EncodeToString(UncompressedPoint(p.Q)), Base64Url.EncodeToString(Pad32(p.D!)));
    }

    /// <summary>True when both decode and the private scalar belongs to the public point.</summary>
    public static bool IsValidPair(string publicKey, string privateKey)
    {
        try
        {
            var point = Base64Url.DecodeFromChars(publicKey);
            var d = Base64Url.DecodeFromChars(privateKey);
            if (!IsP256Point(point) || d.Length != 32) return false;
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
            var derived = UncompressedPoint(key.ExportParameters(false).Q);
            return derived.AsSpan().SequenceEqual(point);
        }
        catch (Exception e) when (e is FormatException or CryptographicException) { return false; }
    }

    /// <summary>A 65-byte uncompressed point (0x04 ‖ X ‖ Y) that lies on P-256 (what a browser's `p256dh` key is).</summary>
    public static bool IsP256Point(byte[] point)
    {
        if (point is not [0x04, ..] || point.Length != 65) return false;
        try
        {
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] },
            });
            return true;
        }
        catch (CryptographicException) { return false; } // not on the curve
    }

    private static byte[] UncompressedPoint(ECPoint q) => [0x04, .. Pad32(q.X!), .. Pad32(q.Y!)];

    private static byte[] Pad32(byte[] b) => b.Length >= 32 ? b : [.. new byte[32 - b.Length], .. b];
}
