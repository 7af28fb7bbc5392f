using System.Buffers;
using System.Security.Claims;
using Likeperson.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Likeperson.Realtime;

/// <summary>
/// `GET /api/v1/events`: the caller's live change stream (Server-Sent Events). A stream first
/// joins the fan-out (so nothing committed from now on can pass it by), then replays what the
/// client missed since `Last-Event-ID` from the table, then writes what the fan-out queues for it,
/// skipping positions it already sent: in order, without gaps, without duplicates.
/// </summary>
public static class EventsApi
{
    /// <summary>Frames are copied into the response and flushed at the end of a burst or batch, or once this much is pending.</summary>
    private const int FlushBytes = 32 * 1024;

    public static void MapEventsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/events", Stream).WithTags("Event stream").RequireAuthorization(Likeperson.Web.WebModule.StreamPolicy)
            .Produces<string>(200, "text/event-stream")
            .WithSummary("Live change stream (Server-Sent Events), scoped to the caller, resumable with Last-Event-ID.")
            .WithDescription("""
                `topics`: comma-separated subset of assignments, mentors, notifications (default all). `chapter_id`: only assignment and
                mentor events of that chapter (notifications are unaffected). `Last-Event-ID` header or `last_event_id`: replay every event
                after that position, then continue live. The stream starts with `retry: 1000`, sends `: heartbeat` comments, and answers a
                position that is no longer retained (or unknown) with one `reset` event and ends: refetch, then resume from the new
                `stream_position`. Browsers may pass the token as `access_token`. The server ends a stream with a comment
                `: end <reason>`: `token_expired` at the token's (or session's) expiry, `access_ended` within
                `Events:AccessCheckInterval` (30 s) once the person is gone from the organisation, `too_many_streams` for the
                oldest of a person's streams when they open more than `Events:MaxStreamsPerPerson` (10) on one server (with
                `retry: 30000`), `server_shutting_down` at shutdown (with a `retry:` of 1-2 s: reconnect, another instance
                answers). A client that lets its buffer fill up is cut without a comment; it resumes with Last-Event-ID.
                """);
    }

    private static async Task Stream(HttpContext http, ClaimsPrincipal user, StreamReads reads, StreamHub hub, StreamMetrics metrics,
        StreamOptions options, IHostApplicationLifetime lifetime, ILoggerFactory logs, string? topics,
        [FromQuery(Name = "chapter_id")] string? chapterId, [FromQuery(Name = "last_event_id")] string? lastEventId)
    {
        var request = StreamRequest.Parse(topics, chapterId, http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : lastEventId);
        // The system clock, as token validation uses it (not the injectable TimeProvider the domain's rules use).
        var time = TimeProvider.System;
        var expires = StreamExpiry.Of(http, user);
        if (expires <= time.GetUtcNow()) // accepted within the validation's clock skew, but already past its end
            throw new ApiException(401, "unauthorized", "The token or session has expired.");
        var start = await reads.StartAsync(user.PersonId(), request.Filter.ChapterId, http.RequestAborted)
            ?? throw new ApiException(404, "not_found", "No such person in any organisation.");
        if (!start.ChapterKnown) throw ApiException.NotFound("Chapter");

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var writer = http.Response.BodyWriter;
        await writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"retry: {options.ClientRetryMilliseconds}\n\n"), http.RequestAborted);

        var from = request.LastEventId ?? start.Head;
        if (from < start.PrunedThrough || from > start.Head)
        {
            await SendResetAsync(http, metrics, from < start.PrunedThrough ? "beyond_retention" : "unknown_position", from, start.PrunedThrough);
            return;
        }

        using var subscriber = new Subscriber(start.OrganizationId, start.Scope, request.Filter, options.SubscriberBuffer)
        {
            SessionId = Guid.TryParse(user.FindFirst("sid")?.Value, out var session) ? session : null,
        };
        using var expiry = StreamExpiry.Timer(expires, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, subscriber.Dropped, lifetime.ApplicationStopping, expiry.Token);
        hub.Add(subscriber, start.Head);
        var ending = StreamEnding.ClientGone;
        try
        {
            var sent = await ReplayAsync(http, reads, hub, metrics, options, subscriber, from, stop.Token);
            if (sent is null) return; // reset
            var queue = subscriber.Queue;
            while (await queue.WaitToReadAsync(stop.Token))
            {
                // Whatever is queued goes out together: one flush (one send) for a burst, not one per event.
                int written = 0, pending = 0;
                while (pending < FlushBytes && queue.TryRead(out var e))
                {
                    if (!e.IsHeartbeat && e.Position <= sent) continue; // already replayed
                    writer.Write(e.Frame);
                    pending += e.Frame.Length;
                    if (!e.IsHeartbeat) { sent = e.Position; written++; }
                }
                metrics.Delivered(written);
                if (pending > 0 && (await writer.FlushAsync(stop.Token)).IsCompleted) break; // the client is gone
            }
        }
        catch (OperationCanceledException) { /* client gone, dropped, expired or shutting down: told apart below */ }
        catch (IOException) { /* the connection broke while writing */ }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The response has started, so no problem document can follow: end it, and the client resumes after `retry`.
            logs.CreateLogger(typeof(EventsApi)).LogWarning(e, "An event stream ended on a database failure; the client will resume");
            http.Abort();
            return;
        }
        finally
        {
            hub.Remove(subscriber);
            ending = StreamEnding.Of(http.RequestAborted, subscriber.DropReason, lifetime.ApplicationStopping, expiry.Token);
        }
        if (ending == StreamEnding.SlowClient) http.Abort(); // a slow client's half-written response is cut, it resumes
        else if (ending != StreamEnding.ClientGone) await EndAsync(http, metrics, ending, options);
    }

    /// <summary>
    /// The last frame of a stream the server ends: a `retry:` where the client should come back (after a shutdown: soon,
    /// spread over one to two retry periods so a crowd does not reconnect at once; after too many streams: in 30 s), and a
    /// comment `: end &lt;reason&gt;`. Bounded, so a client that does not read cannot hold up a shutdown.
    /// </summary>
    private static async Task EndAsync(HttpContext http, StreamMetrics metrics, StreamEnding ending, StreamOptions options)
    {
        metrics.StreamEnded(ending.Reason);
        var retry = ending == StreamEnding.Shutdown ? options.ClientRetryMilliseconds + Random.Shared.Next(options.ClientRetryMilliseconds + 1)
            : ending == StreamEnding.TooManyStreams ? 30_000 : (int?)null;
        var frame = (retry is { } r ? $"retry: {r}\n" : "") + $": end {ending.Reason}\n\n";
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        bounded.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await http.Response.BodyWriter.WriteAsync(System.Text.Encoding.UTF8.GetBytes(frame), bounded.Token);
            await http.Response.BodyWriter.CompleteAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { http.Abort(); }
    }

    /// <summary>Writes every event after <paramref name="from"/> the subscriber may see; null when a reset was sent instead.</summary>
    private static async Task<long?> ReplayAsync(HttpContext http, StreamReads reads, StreamHub hub, StreamMetrics metrics, StreamOptions options,
        Subscriber subscriber, long from, CancellationToken ct)
    {
        var sent = from;
        while (true)
        {
            var (horizon, epoch, batch) = await reads.ReplayAsync(subscriber.OrganizationId, sent, options.ReadBatchSize, ct);
            if (horizon > sent)
            {
                await SendResetAsync(http, metrics, "beyond_retention", from, horizon);
                return null;
            }
            if (epoch > subscriber.Scope.Epoch) // memberships changed since the stream started: judge these events by the new ones
                hub.UpdateScopes(subscriber.OrganizationId, [subscriber.Scope.PersonId],
                    await reads.ScopesAsync(subscriber.OrganizationId, [subscriber.Scope.PersonId], ct));
            int written = 0, pending = 0;
            foreach (var e in batch)
            {
                sent = e.Position;
                if (!subscriber.Filter.Wants(e) || !subscriber.Scope.Sees(e)) continue;
                http.Response.BodyWriter.Write(e.Frame);
                written++;
                if ((pending += e.Frame.Length) < FlushBytes) continue;
                await http.Response.BodyWriter.FlushAsync(ct);
                pending = 0;
            }
            metrics.Delivered(written);
            await http.Response.BodyWriter.FlushAsync(ct);
            if (batch.Count < options.ReadBatchSize) return sent;
        }
    }

    private static async Task SendResetAsync(HttpContext http, StreamMetrics metrics, string reason, long lastEventId, long prunedThrough)
    {
        metrics.ResetSent();
        await http.Response.BodyWriter.WriteAsync(ChangeEvent.Reset(reason, lastEventId, prunedThrough), http.RequestAborted);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }
}
