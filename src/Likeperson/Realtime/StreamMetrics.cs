using System.Diagnostics.Metrics;

namespace Likeperson.Realtime;

/// <summary>
/// This instance's event-stream figures as System.Diagnostics.Metrics instruments (meter `Likeperson`, exported by
/// OpenTelemetry: `GET /metrics` in Prometheus text, OTLP if configured): the live subscribers, every database round trip
/// the stream makes (so queries per event can be compared at 10 and 1,000 subscribers), the events read and delivered,
/// and why streams ended. docs/observability.md lists the names.
/// </summary>
public sealed class StreamMetrics
{
    public const string MeterName = "Likeperson";

    private long _subscribers, _queries, _fanOutReads, _scopeReloads, _replayReads, _accessChecks, _eventsRead, _delivered, _slowDrops, _resets;
    private readonly Counter<long> _ended;

    /// <summary>On the app's meter factory (each server its own meter); without one (unit tests), on a meter of its own.</summary>
    public StreamMetrics(IMeterFactory? meters = null)
    {
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        meter.CreateObservableUpDownCounter("likeperson.stream.subscribers", () => Subscribers, "{stream}", "Open event streams on this instance.");
        Count(meter, "db_queries", () => DbQueries, "{query}", "Database round trips made by the event stream (all kinds below).");
        Count(meter, "fanout_reads", () => _fanOutReads, "{query}", "Fan-out reads of new events (all woken organisations in one round trip).");
        Count(meter, "scope_reloads", () => _scopeReloads, "{query}", "Re-reads of subscribers' memberships after an organisation's scope epoch moved.");
        Count(meter, "replay_reads", () => _replayReads, "{query}", "Reads of missed events (one page each) for a connecting or resuming stream.");
        Count(meter, "access_checks", () => _accessChecks, "{query}", "Periodic checks that streaming people are still in their organisation.");
        Count(meter, "events_read", () => _eventsRead, "{event}", "Events read by the fan-out (each once per instance).");
        Count(meter, "events_delivered", () => _delivered, "{event}", "Events written to subscribers' responses (replay and live).");
        Count(meter, "slow_client_disconnects", () => _slowDrops, "{stream}", "Streams dropped because their buffer was full.");
        Count(meter, "resets", () => _resets, "{event}", "`reset` events sent (position beyond retention or unknown).");
        _ended = meter.CreateCounter<long>("likeperson.stream.ended", "{stream}",
            "Streams the server ended, by reason: token_expired, access_ended, too_many_streams, server_shutting_down.");
        // GC.GetTotalMemory: the managed heap now (the runtime's own gauges are as of the last collection).
        meter.CreateObservableUpDownCounter("likeperson.process.managed_heap", () => GC.GetTotalMemory(false), "By",
            "Managed heap of this server process, including garbage not yet collected.");
    }

    private static void Count(Meter meter, string name, Func<long> read, string unit, string description) =>
        meter.CreateObservableCounter($"likeperson.stream.{name}", read, unit, description);

    public long Subscribers => Interlocked.Read(ref _subscribers);
    public long DbQueries => Interlocked.Read(ref _queries);

    public void SubscriberAdded() => Interlocked.Increment(ref _subscribers);
    public void SubscriberRemoved() => Interlocked.Decrement(ref _subscribers);
    public void FanOutRead(int events) { Interlocked.Increment(ref _queries); Interlocked.Increment(ref _fanOutReads); Interlocked.Add(ref _eventsRead, events); }
    public void ScopeReload() { Interlocked.Increment(ref _queries); Interlocked.Increment(ref _scopeReloads); }
    public void ReplayRead() { Interlocked.Increment(ref _queries); Interlocked.Increment(ref _replayReads); }
    public void SubscribeRead() => Interlocked.Increment(ref _queries);
    public void AccessCheck() { Interlocked.Increment(ref _queries); Interlocked.Increment(ref _accessChecks); }
    public void Delivered(int events) => Interlocked.Add(ref _delivered, events);
    public void SlowClientDropped() => Interlocked.Increment(ref _slowDrops);
    public void ResetSent() => Interlocked.Increment(ref _resets);
    public void StreamEnded(string reason) => _ended.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
