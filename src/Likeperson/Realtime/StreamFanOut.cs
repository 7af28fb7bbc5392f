using Likeperson.Database;
using Likeperson.Notifications;
using Npgsql;

namespace Likeperson.Realtime;

/// <summary>
/// The instance's one listening connection and its fan-out loop. `NOTIFY likeperson_changes`
/// (payload: the organisation) only marks that organisation as woken; the loop then reads the
/// new events of all woken organisations in one round trip and hands them to the hub. Every
/// `Events:CatchUpInterval` all organisations with subscribers are read anyway, so a lost
/// notification or a listener reconnect delays an event but never loses it. Heartbeats go out
/// from here too, so an idle stream costs no timer of its own.
/// </summary>
public sealed class StreamFanOut(WorkerDataSource worker, StreamHub hub, StreamReads reads, StreamOptions options,
    ILogger<StreamFanOut> log) : BackgroundService
{
    private readonly Wakeup _wake = new();

    protected override Task ExecuteAsync(CancellationToken ct)
    {
        hub.Woken += _wake.Signal;
        return Task.WhenAll(ListenAsync(ct), FanOutAsync(ct), HeartbeatAsync(ct));
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await worker.Source.OpenConnectionAsync(ct);
                conn.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var org)) hub.MarkDirty(org);
                    _wake.Signal();
                };
                await using (var listen = new NpgsqlCommand("LISTEN likeperson_changes", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                hub.MarkAllDirty(); // whatever was notified while not listening
                _wake.Signal();
                while (!ct.IsCancellationRequested)
                {
                    if (!await conn.WaitAsync(TimeSpan.FromSeconds(30), ct))
                        await using (var ping = new NpgsqlCommand("SELECT 1", conn))
                            await ping.ExecuteScalarAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "The event-stream listener lost its connection; reconnecting");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
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
