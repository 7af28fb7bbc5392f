using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Polly;
using Polly.Retry;

namespace Likeperson.Notifications;

public enum PushResultKind
{
    /// <summary>FCM accepted the message.</summary>
    Sent,
    /// <summary>FCM says the token is UNREGISTERED: the app was removed or the token rotated; the token is deleted.</summary>
    Unregistered,
    /// <summary>FCM refused the message for good (INVALID_ARGUMENT and other 4xx): retrying cannot help.</summary>
    Rejected,
    /// <summary>Still failing (429/5xx/network) after the retry bound, or no OAuth token.</summary>
    Failed,
}

public sealed record PushResult(PushResultKind Kind, string? Error = null);

public sealed record PushMessage(string Title, string Body, IReadOnlyDictionary<string, string> Data);

/// <summary>
/// Firebase Cloud Messaging HTTP v1: an OAuth2 access token from the service account (Google.Apis.Auth
/// caches it until shortly before expiry), then `POST {endpoint}/v1/projects/{project}/messages:send`
/// per device token. 429, 5xx and network errors are retried with exponential backoff and jitter,
/// honouring Retry-After up to <see cref="FcmOptions.MaxRetryDelay"/>. The key never leaves the server.
/// </summary>
public sealed class FcmClient : IDisposable
{
    private const string Scope = "https://www.googleapis.com/auth/firebase.messaging";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly HttpClient _http;
    private readonly ITokenAccess _credential;
    private readonly string _sendPath;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly FcmOptions _options;

    /// <summary>Reads `Push:Fcm:ServiceAccountFile`; a missing, unreadable or wrong file stops the start-up with one sentence.</summary>
    public static (ServiceAccountCredential Account, string ProjectId) ReadServiceAccount(string file)
    {
        const string Remedy = "set Push:Fcm:ServiceAccountFile to the service-account JSON key downloaded from the Firebase console " +
                              "(Project settings, Service accounts), or Push:Provider to none.";
        ServiceAccountCredential account;
        try { account = CredentialFactory.FromFile<ServiceAccountCredential>(file); }
        catch (Exception e)
        {
            throw new Likeperson.Database.StartupException(
                $"Push:Fcm:ServiceAccountFile {file} cannot be used ({Likeperson.Database.EmbeddedPostgres.OneLine(e.Message)}): {Remedy}");
        }
        return (account, account.ProjectId ?? throw new Likeperson.Database.StartupException(
            $"Push:Fcm:ServiceAccountFile {file} has no project_id: {Remedy}"));
    }

    public FcmClient(PushOptions push, TimeProvider clock)
    {
        _options = push.Fcm;
        var (account, project) = ReadServiceAccount(_options.ServiceAccountFile!);
        _credential = account.ToGoogleCredential().CreateScoped(Scope);
        _sendPath = $"v1/projects/{Uri.EscapeDataString(project)}/messages:send";
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = Math.Max(1, _options.Concurrency),
        })
        {
            BaseAddress = new Uri(_options.Endpoint.TrimEnd('/') + "/"), Timeout = _options.RequestTimeout,
            DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };
        if (_options.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetries, Delay = _options.RetryBaseDelay, MaxDelay = _options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            });
        _retry = builder.Build();
    }

    public async Task<PushResult> SendAsync(string deviceToken, PushMessage message, CancellationToken ct)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new FcmRequest(new FcmMessage(deviceToken,
            new FcmNotification(message.Title, message.Body), message.Data, new FcmAndroid("high"),
            new FcmApns(new Dictionary<string, string> { ["apns-priority"] = "10", ["apns-push-type"] = "alert" }))), Json);
        var attempts = 0;
        try
        {
            using var response = await _retry.ExecuteAsync(async token =>
            {
                attempts++;
                var access = await _credential.GetAccessTokenForRequestAsync(cancellationToken: token);
                using var request = new HttpRequestMessage(HttpMethod.Post, _sendPath) { Content = new ByteArrayContent(payload) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
                return await _http.SendAsync(request, token);
            }, ct);
            return await ClassifyAsync(response, attempts, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return new(PushResultKind.Failed, $"{e.GetType().Name}: {e.Message} (after {Attempts(attempts)})");
        }
    }

    private bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        null => outcome.Result!.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
                    or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                && !(RetryAfter(outcome.Result) > _options.MaxRetryDelay),
        _ => false,
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<PushResult> ClassifyAsync(HttpResponseMessage response, int attempts, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return new(PushResultKind.Sent);
        var (status, errorCode, message) = await ReadErrorAsync(response, ct);
        var code = (int)response.StatusCode;
        // Only FCM's own verdict deletes a token: a bare 404 (a wrong endpoint or project) must not wipe every device.
        if (errorCode == "UNREGISTERED")
            return new(PushResultKind.Unregistered, $"{code} {errorCode ?? status}: {message}");
        if (code is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
            return new(PushResultKind.Rejected, $"{code} {errorCode ?? status}: {message}");
        var retryAfter = RetryAfter(response) is { } wait ? $"; Retry-After {wait.TotalSeconds:0} s" : "";
        return new(PushResultKind.Failed, $"{code} {errorCode ?? status}: {message} (after {Attempts(attempts)}{retryAfter})");
    }

    /// <summary>FCM's error body: {"error": {"code", "message", "status", "details": [{"errorCode"}]}}; tolerant of anything else.</summary>
    private static async Task<(string? Status, string? ErrorCode, string Message)> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
            string? errorCode = null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                foreach (var d in details.EnumerateArray())
                    if (d.TryGetProperty("errorCode", out var c)) errorCode = c.GetString();
            return (error.TryGetProperty("status", out var s) ? s.GetString() : null, errorCode,
                error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (response.ReasonPhrase, null, text.Length > 200 ? text[..200] : text);
        }
    }

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    public void Dispose() => _http.Dispose();

    private sealed record FcmRequest(FcmMessage Message);
    private sealed record FcmMessage(string Token, FcmNotification Notification, IReadOnlyDictionary<string, string> Data, FcmAndroid Android, FcmApns Apns);
    private sealed record FcmNotification(string Title, string Body);
    private sealed record FcmAndroid(string Priority);
    private sealed record FcmApns(IReadOnlyDictionary<string, string> Headers);
}
