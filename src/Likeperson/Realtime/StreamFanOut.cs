using Likeperson.Database;
using Likeperson.Notifications;

namespace Likeperson.Realtime;

/// <summary>
/// The fan-out loop. `NOTIFY likeperson_changes` (payload: the organisation), heard on the instance's one
/// <see cref="DatabaseListener"/>, only marks that organisation as woken; the loop then reads the new events of all woken
/// organisations in one round trip and hands them to the hub. Every `Events:CatchUpInterval` all organisations with
/// subscribers are read anyway, so a lost notification or a listener reconnect delays an event but never loses it.
/// Heartbeats go out from here too, so an idle stream costs no timer of its own.
/// </summary>
public sealed class StreamFanOut : BackgroundService
{
    private readonly Wakeup _wake = new();
    private readonly StreamHub hub;
    private readonly StreamReads reads;
    private readonly StreamOptions options;
    private readonly ILogger<StreamFanOut> log;

    public StreamFanOut(DatabaseListener listener, StreamHub hub, StreamReads reads, StreamOptions options, ILogger<StreamFanOut> log)
    {
        (this.hub, this.reads, this.options, this.log) = (hub, reads, options, log);
        listener.Notified += (channel, payload) =>
        {
            if (channel != "likeperson_changes") return;
            if (Guid.TryParse(payload, out var org)) hub.MarkDirty(org);
            _wake.Signal();
        };
        listener.Connected += () =>
        {
            hub.MarkAllDirty(); // whatever was notified while not listening
            _wake.Signal();
        };
        hub.Woken += _wake.Signal;
    }

    protected override Task ExecuteAsync(CancellationToken ct) => Task.WhenAll(FanOutAsync(ct), HeartbeatAsync(ct), CheckAccessAsync(ct));

    /// <summary>
    /// Every `Events:AccessCheckInterval`, one query asks whether each person streaming here is still a person of their
    /// organisation, and ends the streams of those who are not (scope changes are followed per event; this catches the
    /// rest). The one place that decides who may keep streaming: <see cref="StreamReads.StillAllowedAsync"/>.
    /// </summary>
    private async Task CheckAccessAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.AccessCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (hub.People() is not { Count: > 0 } people) continue;
                    var allowed = await reads.StillAllowedAsync(people, ct);
                    hub.EndAccess(people.Where(p => !allowed.Contains(p)));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "The event-stream access check failed; trying again next interval");
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task FanOutAsync(CancellationToken ct)
    {
        var sinceCatchUp = System.Diagnostics.Stopwatch.StartNew();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // By the clock, not only when idle: a busy organisation must not starve another's safety net.
                await _wake.WaitAsync(options.CatchUpInterval - sinceCatchUp.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero, ct);
                if (sinceCatchUp.Elapsed >= options.CatchUpInterval)
                {
                    hub.MarkAllDirty();
                    sinceCatchUp.Restart();
                }
                while (hub.TakeDirty() is { Count: > 0 } work)
                    await ReadOnceAsync(work, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "The event-stream fan-out failed to read; retrying");
                hub.MarkAllDirty();
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task ReadOnceAsync(List<(Guid Org, long Head)> work, CancellationToken ct)
    {
        var (events, epochs) = await reads.NewEventsAsync(work, options.ReadBatchSize, ct);
        foreach (var (org, _) in work)
        {
            // Scope first: an event committed after a membership change is never judged by the old membership.
            if (epochs.TryGetValue(org, out var epoch) && hub.StaleScopes(org, epoch) is { Length: > 0 } stale)
                hub.UpdateScopes(org, stale, await reads.ScopesAsync(org, stale, ct));
            if (!events.TryGetValue(org, out var batch)) continue;
            hub.Deliver(org, batch);
            if (batch.Count >= options.ReadBatchSize) hub.MarkDirty(org); // more to read: go round again at once
        }
    }

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(hub.HeartbeatTick);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                hub.Heartbeat();
        }
        catch (OperationCanceledException) { }
    }
}
