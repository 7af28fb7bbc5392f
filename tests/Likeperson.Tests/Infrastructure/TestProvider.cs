using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Likeperson.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider for the tests: the certified npm package `oidc-provider` (tests/oidc/provider.mjs, installed
/// by scripts/ensure-node.sh) in a node process on a loopback port, over plain http. Its signing keys are made here, so a
/// test can rotate them (<see cref="RotateKeysAsync"/>) and craft tokens signed with them (<see cref="Sign"/>); real
/// tokens come from the provider itself through the authorization code flow (<see cref="AccessTokenAsync"/>).
/// </summary>
public sealed partial class TestProvider : IAsyncDisposable
{
    public const string WebClientId = "likeperson-web", WebClientSecret = "likeperson-web-secret";
    public const string ApiResource = "https://likeperson.test/api", ApiAudience = "likeperson-api";
    public const string OtherResource = "https://other.test/api";

    private readonly string _keysFile = Path.Combine(Path.GetTempPath(), $"lp-oidc-keys-{Guid.NewGuid():N}.json");
    private Process _node = null!;
    private int _keyNumber;

    public Uri Issuer { get; private set; } = null!;
    public string IssuerName => Issuer.ToString().TrimEnd('/');
    /// <summary>The key the provider signs with now.</summary>
    public RsaSecurityKey SigningKey { get; private set; } = null!;

    /// <summary>The server settings that make it accept this provider's tokens (API) and sign in with it (web).</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Auth:Jwt:Authority"] = IssuerName,
        ["Auth:Jwt:Audience"] = ApiAudience,
        ["Auth:Oidc:Authority"] = IssuerName,
        ["Auth:Oidc:ClientId"] = WebClientId,
        ["Auth:Oidc:ClientSecret"] = WebClientSecret,
        ["Auth:Oidc:DisplayName"] = "Test ID",
        ["Auth:RequireHttpsMetadata"] = "false",
    };

    public static async Task<TestProvider> StartAsync()
    {
        var provider = new TestProvider();
        var script = Path.Combine(RepoRoot(), "tests", "oidc", "provider.mjs");
        if (!Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "oidc-provider")))
            throw new InvalidOperationException("tests/oidc/node_modules is missing: run scripts/ensure-node.sh (test.sh does).");
        await provider.WriteKeysAsync();
        var port = FreePort();
        provider.Issuer = new Uri($"http://127.0.0.1:{port}/");
        provider._node = Process.Start(new ProcessStartInfo("node", [script, port.ToString(), provider._keysFile])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        })!;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>(); // its warnings; read so the pipe never fills
        provider._node.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        provider._node.BeginErrorReadLine();
        var started = provider._node.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(started, Task.Delay(TimeSpan.FromSeconds(30))) != started || started.Result?.StartsWith("listening") != true)
            throw new InvalidOperationException("The test OpenID provider (node tests/oidc/provider.mjs, oidc-provider 9 needs Node.js 20.18 or later) " +
                $"did not start: {string.Join(" | ", errors)}");
        return provider;
    }

    /// <summary>A new signing key replaces the old one, which the provider's JWKS no longer lists.</summary>
    public async Task RotateKeysAsync()
    {
        await WriteKeysAsync();
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(Issuer, "/__test/keys"), null)).EnsureSuccessStatusCode();
    }

    private async Task WriteKeysAsync()
    {
        var rsa = RSA.Create(2048);
        var kid = $"key-{++_keyNumber}-{Guid.NewGuid():N}";
        SigningKey = new RsaSecurityKey(rsa) { KeyId = kid };
        var p = rsa.ExportParameters(true);
        string B(byte[]? b) => Base64UrlEncoder.Encode(b!);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA", ["kid"] = kid, ["alg"] = "RS256", ["use"] = "sig", ["n"] = B(p.Modulus), ["e"] = B(p.Exponent),
            ["d"] = B(p.D), ["p"] = B(p.P), ["q"] = B(p.Q), ["dp"] = B(p.DP), ["dq"] = B(p.DQ), ["qi"] = B(p.InverseQ),
        };
        await File.WriteAllTextAsync(_keysFile, new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString());
    }

    /// <summary>
    /// An access token from the provider for the user <paramref name="login"/>, through the authorization code flow with PKCE
    /// exactly as a client does it: the provider's login and consent forms are filled in over HTTP.
    /// </summary>
    public async Task<string> AccessTokenAsync(string login, string resource = ApiResource)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            { BaseAddress = Issuer };
        const string redirect = "http://127.0.0.1:1/signin-oidc";
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var url = $"/auth?client_id={WebClientId}&response_type=code&scope=openid%20api&redirect_uri={Uri.EscapeDataString(redirect)}" +
                  $"&code_challenge={challenge}&code_challenge_method=S256&resource={Uri.EscapeDataString(resource)}&state=s&nonce=n";
        var response = await http.GetAsync(url);
        for (var step = 0; step < 12; step++)
        {
            if (response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(Issuer, location);
                if (next.ToString().StartsWith(redirect))
                {
                    var code = System.Web.HttpUtility.ParseQueryString(next.Query)["code"]
                               ?? throw new InvalidOperationException($"The provider refused: {next.Query}");
                    var token = await http.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirect, ["code_verifier"] = verifier,
                        ["client_id"] = WebClientId, ["client_secret"] = WebClientSecret, ["resource"] = resource,
                    }));
                    var body = await token.Content.ReadAsStringAsync();
                    if (!token.IsSuccessStatusCode) throw new InvalidOperationException($"Token request refused: {body}");
                    return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
                }
                response = await http.GetAsync(next);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            var action = FormAction().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
                : throw new InvalidOperationException($"Unexpected provider page ({(int)response.StatusCode}): {html}");
            var form = html.Contains("value=\"login\"")
                ? new Dictionary<string, string> { ["prompt"] = "login", ["login"] = login, ["password"] = "any" }
                : new Dictionary<string, string> { ["prompt"] = "consent" };
            response = await http.PostAsync(action, new FormUrlEncodedContent(form));
        }
        throw new InvalidOperationException("The provider's authorization flow did not end at the redirect URI.");
    }

    /// <summary>A token with these claims, signed with <paramref name="credentials"/> (default: the provider's current key).</summary>
    public string Sign(IDictionary<string, object> claims, SigningCredentials? credentials = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = credentials ?? new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });

    /// <summary>Claims of a good access token for <paramref name="subject"/>: issuer, audience, a lifetime of ten minutes.</summary>
    public Dictionary<string, object> Claims(string subject) => new()
    {
        ["iss"] = IssuerName, ["sub"] = subject, ["aud"] = ApiAudience,
        ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["exp"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds(),
    };

    public async ValueTask DisposeAsync()
    {
        try { _node.Kill(entireProcessTree: true); await _node.WaitForExitAsync(); } catch (InvalidOperationException) { }
        _node.Dispose();
        File.Delete(_keysFile);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Likeperson.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (Likeperson.slnx) above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
