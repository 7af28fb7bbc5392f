using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Likeperson.Web;

/// <summary>This server's own address on loopback (what Kestrel listens on; a wildcard host becomes 127.0.0.1).</summary>
public sealed class LoopbackAddress(IServer server)
{
    private Uri? _address;

    public Uri Address => _address ??= Resolve();

    private Uri Resolve()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://")) ?? addresses.FirstOrDefault()
                     ?? throw new InvalidOperationException("The server listens on no address the web UI could call.");
        var uri = new UriBuilder(chosen.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1"));
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost") uri.Host = "127.0.0.1";
        return uri.Uri;
    }
}

/// <summary>An API answer: the status and the JSON body (a problem's `detail` for errors).</summary>
public sealed record ApiResult<T>(HttpStatusCode Status, T? Value, string? Problem, string? Code)
{
    public bool Ok => (int)Status is >= 200 and < 300;
}

/// <summary>
/// Calls /api/v1 on this very server with the signed-in person's bearer token: the UI sees exactly what any
/// client of the public contract sees (scope, 404s, problem codes). A 401 means the token expired: sign in again.
/// </summary>
public sealed class LoopbackApi(IHttpClientFactory factory, LoopbackAddress self, IHttpContextAccessor accessor)
{
    public const string ClientName = "likeperson-loopback";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string? Token => accessor.HttpContext?.User.FindFirst(WebSession.TokenClaim)?.Value;

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct = default) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body = null, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Post, path, body, ct);

    public Task<ApiResult<T>> PutAsync<T>(string path, object body, CancellationToken ct = default) => SendAsync<T>(HttpMethod.Put, path, body, ct);

    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, string? token = null,
        int? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(self.Address, "/api/v1/" + path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token ?? "");
        if (ifMatch is { } version) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await factory.CreateClient(ClientName).SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new SessionExpiredException();
        if (response.IsSuccessStatusCode)
        {
            var value = response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object)
                ? default : await response.Content.ReadFromJsonAsync<T>(Json, ct);
            return new ApiResult<T>(response.StatusCode, value, null, null);
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement problem = default;
        try { if (text.Length > 0) problem = JsonSerializer.Deserialize<JsonElement>(text); } catch (JsonException) { /* not a problem document */ }
        string? Read(string name) => problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var v) ? v.ToString() : null;
        return new ApiResult<T>(response.StatusCode, default, Read("detail") ?? Read("title"), Read("code"));
    }
}

/// <summary>The API answered 401 to the session's token: the session is over (handled by <see cref="WebSession"/>).</summary>
public sealed class SessionExpiredException() : Exception("The session's token is no longer accepted.");
