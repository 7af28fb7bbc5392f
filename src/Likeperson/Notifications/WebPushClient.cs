using System.Collections.Concurrent;
using System.Net;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Polly;
using Polly.Retry;

namespace Likeperson.Notifications;

/// <summary>One browser's push subscription as the sender needs it.</summary>
public sealed record WebPushTarget(Guid Id, string Endpoint, string P256dh, string Auth);

/// <summary>
/// Standard Web Push through Lib.Net.Http.WebPush: the payload encrypted for the subscription (RFC 8291, aes128gcm: a fresh
/// ECDH key and salt per message), `Authorization: vapid t=&lt;ES256 JWT&gt;, k=&lt;public key&gt;` (RFC 8292; the JWT's aud is
/// the endpoint's origin, exp 12 h, sub Push:WebPush:Subject), `TTL` and `Urgency` (RFC 8030). 429, 5xx and network errors
/// are retried like FCM's (Push:Fcm:MaxRetries, exponential backoff with jitter, Retry-After honoured up to MaxRetryDelay);
/// 404 and 410 mean the subscription is gone (the caller deletes it).
/// </summary>
public sealed class WebPushClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly PushServiceClient _client;
    private readonly VapidKeys _keys;
    private readonly WebPushOptions _options;
    private readonly ResiliencePipeline _retry;
    private readonly TokenCache _tokens = new();
    private VapidAuthentication? _vapid;

    public WebPushClient(PushOptions push, VapidKeys keys, TimeProvider clock)
    {
        _options = push.WebPush;
        _keys = keys;
        _http = new HttpClient(new OriginAudience(this) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } })
            { Timeout = push.Fcm.RequestTimeout };
        _client = new PushServiceClient(_http)
        {
            DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid, AutoRetryAfter = false, // retries are ours, bounded
            DefaultTimeToLive = (int)_options.TimeToLive.TotalSeconds,
        };
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (push.Fcm.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = push.Fcm.MaxRetries, Delay = push.Fcm.RetryBaseDelay, MaxDelay = push.Fcm.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    PushServiceClientException e => Transient(e.StatusCode) && !(RetryAfter(e) > push.Fcm.MaxRetryDelay),
                    HttpRequestException => true,
                    TaskCanceledException { InnerException: TimeoutException } => true,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is PushServiceClientException e ? RetryAfter(e) : null),
            });
        _retry = builder.Build();
    }

    public async Task<PushResult> SendAsync(WebPushTarget target, string payload, bool urgent, CancellationToken ct)
    {
        var subscription = new PushSubscription { Endpoint = target.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, target.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, target.Auth);
        var message = new Lib.Net.Http.WebPush.PushMessage(payload) { Urgency = urgent ? PushMessageUrgency.High : PushMessageUrgency.Normal };
        var attempts = 0;
        try
        {
            var vapid = await VapidAsync(ct);
            await _retry.ExecuteAsync(async token =>
            {
                attempts++;
                await _client.RequestPushMessageDeliveryAsync(subscription, message, vapid, VapidAuthenticationScheme.Vapid, token);
            }, ct);
            return new(PushResultKind.Sent);
        }
        catch (PushServiceClientException e) when (!ct.IsCancellationRequested)
        {
            var code = (int)e.StatusCode;
            var text = $"{code} {e.StatusCode}: {OneLine(e.Body)}";
            if (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return new(PushResultKind.Unregistered, text);
            if (code is >= 400 and < 500 && e.StatusCode != HttpStatusCode.TooManyRequests) return new(PushResultKind.Rejected, text);
            var wait = RetryAfter(e) is { } w ? $"; Retry-After {w.TotalSeconds:0} s" : "";
            return new(PushResultKind.Failed, $"{text} (after {Attempts(attempts)}{wait})");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return new(PushResultKind.Failed, $"{e.GetType().Name}: {e.Message} (after {Attempts(attempts)})");
        }
    }

    private async Task<VapidAuthentication> VapidAsync(CancellationToken ct)
    {
        if (_vapid is { } known) return known;
        var pair = await _keys.GetAsync(ct);
        var vapid = new VapidAuthentication(pair.PublicKey, pair.PrivateKey) { Subject = _options.Subject, TokenCache = _tokens };
        return Interlocked.CompareExchange(ref _vapid, vapid, null) ?? vapid;
    }

    private static bool Transient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static TimeSpan? RetryAfter(PushServiceClientException e) => e.Headers?.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string OneLine(string? body) => body is null ? "" : body.Length > 200 ? body[..200].ReplaceLineEndings(" ") : body.ReplaceLineEndings(" ");

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    public void Dispose()
    {
        _vapid?.Dispose();
        _http.Dispose();
    }

    /// <summary>
    /// Lib.Net.Http.WebPush 3.3.1 signs the JWT for `scheme://host`, leaving out a non-default port, though RFC 8292 §2 makes
    /// aud the push resource's origin (RFC 6454: with its port). Push services on 443 are unaffected; for any other port
    /// (a push service behind a gateway, the tests' fake on loopback) the token is signed again for the true origin.
    /// </summary>
    private sealed class OriginAudience(WebPushClient client) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri is { IsDefaultPort: false } uri && client._vapid is { } vapid)
                request.Headers.Authorization = new("vapid", vapid.GetVapidSchemeAuthenticationHeaderValueParameter(uri.GetLeftPart(UriPartial.Authority)));
            return base.SendAsync(request, ct);
        }
    }

    /// <summary>One signed JWT per push-service origin until shortly before it expires (the signature is the cost of a send).</summary>
    private sealed class TokenCache : IVapidTokenCache
    {
        private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new();

        public void Put(string audience, DateTimeOffset expiration, string token) => _tokens[audience] = (token, expiration);

        public string? Get(string audience) =>
            _tokens.TryGetValue(audience, out var t) && t.Expires - DateTimeOffset.UtcNow > TimeSpan.FromHours(1) ? t.Token : null;
    }
}
