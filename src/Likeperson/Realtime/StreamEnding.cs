using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Likeperson.Realtime;

/// <summary>Why an event stream ended; <see cref="Reason"/> is the word of its last comment (`: end &lt;reason&gt;`).</summary>
public sealed record StreamEnding(string Reason)
{
    public static readonly StreamEnding ClientGone = new("client_gone");
    public static readonly StreamEnding SlowClient = new(Subscriber.SlowClient);
    public static readonly StreamEnding TooManyStreams = new(Subscriber.TooManyStreams);
    public static readonly StreamEnding AccessEnded = new(Subscriber.AccessEnded);
    public static readonly StreamEnding TokenExpired = new("token_expired");
    public static readonly StreamEnding Shutdown = new("server_shutting_down");

    /// <summary>The client's leaving wins (nothing can be said to it), then the server's own reasons.</summary>
    public static StreamEnding Of(CancellationToken clientGone, string? dropReason, CancellationToken stopping, CancellationToken expired) =>
        clientGone.IsCancellationRequested ? ClientGone
        : dropReason == Subscriber.SlowClient ? SlowClient
        : stopping.IsCancellationRequested ? Shutdown
        : expired.IsCancellationRequested ? TokenExpired
        : dropReason == Subscriber.TooManyStreams ? TooManyStreams
        : dropReason is not null ? AccessEnded
        : ClientGone;
}

/// <summary>
/// When the authentication that opened a stream ends, whichever scheme it was: the ticket's `ExpiresUtc` (bearer tokens and
/// cookie sessions both set it), else the principal's `exp` claim.
/// </summary>
public static class StreamExpiry
{
    /// <summary>Longer than this and no timer is set (a CancellationTokenSource cannot wait ~49 days); the access check still runs.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromDays(30);

    public static DateTimeOffset? Of(HttpContext http, ClaimsPrincipal user)
    {
        if (http.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc is { } expires) return expires;
        return long.TryParse(user.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
    }

    /// <summary>A source cancelled at <paramref name="expires"/> by <paramref name="time"/> (never, without an expiry).</summary>
    public static CancellationTokenSource Timer(DateTimeOffset? expires, TimeProvider time) =>
        expires is { } at && at - time.GetUtcNow() is var left && left < Longest
            ? new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, time)
            : new CancellationTokenSource();
}
