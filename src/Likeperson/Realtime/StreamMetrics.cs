using System.Diagnostics;
using System.Text;

namespace Likeperson.Realtime;

/// <summary>
/// This instance's stream counters, served as Prometheus text at `GET /metrics`: the live
/// subscribers, every database round trip the stream makes (so queries per event can be compared
/// at 10 and 1,000 subscribers), and the events read and delivered.
/// </summary>
public sealed class StreamMetrics
{
    private long _subscribers, _queries, _fanOutReads, _scopeReloads, _replayReads, _eventsRead, _delivered, _slowDrops, _resets;

    public long Subscribers => Interlocked.Read(ref _subscribers);
    public long DbQueries => Interlocked.Read(ref _queries);

    public void SubscriberAdded() => Interlocked.Increment(ref _subscribers);
    public void SubscriberRemoved() => Interlocked.Decrement(ref _subscribers);
    public void FanOutRead(int events) { Interlocked.Increment(ref _queries); Interlocked.Increment(ref _fanOutReads); Interlocked.Add(ref _eventsRead, events); }
    public void ScopeReload() { Interlocked.Increment(ref _queries); Interlocked.Increment(ref _scopeReloads); }
    public void ReplayRead() { Interlocked.Increment(ref _queries); Interlocked.Increment(ref _replayReads); }
    public void SubscribeRead() => Interlocked.Increment(ref _queries);
    public void AccessCheck() => Interlocked.Increment(ref _queries);
    public void StreamEnded(string reason) { }
    public void Delivered(int events) => Interlocked.Add(ref _delivered, events);
    public void SlowClientDropped() => Interlocked.Increment(ref _slowDrops);
    public void ResetSent() => Interlocked.Increment(ref _resets);

    public string Render()
    {
        var sb = new StringBuilder();
        void Metric(string name, string type, string help, long value)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            sb.Append(name).Append(' ').Append(value).Append('\n');
        }
        Metric("likeperson_stream_subscribers", "gauge", "Open event streams on this instance.", Subscribers);
        Metric("likeperson_stream_db_queries_total", "counter", "Database round trips made by the event stream (all kinds below).", DbQueries);
        Metric("likeperson_stream_fanout_reads_total", "counter", "Fan-out reads of new events (all woken organisations in one round trip).", Interlocked.Read(ref _fanOutReads));
        Metric("likeperson_stream_scope_reloads_total", "counter", "Re-reads of subscribers' memberships after an organisation's scope epoch moved.", Interlocked.Read(ref _scopeReloads));
        Metric("likeperson_stream_replay_reads_total", "counter", "Reads of missed events for a connecting or resuming stream.", Interlocked.Read(ref _replayReads));
        Metric("likeperson_stream_events_read_total", "counter", "Events read by the fan-out (each once per instance).", Interlocked.Read(ref _eventsRead));
        Metric("likeperson_stream_events_delivered_total", "counter", "Events written to subscribers' responses (replay and live).", Interlocked.Read(ref _delivered));
        Metric("likeperson_stream_slow_client_disconnects_total", "counter", "Streams dropped because their buffer was full.", Interlocked.Read(ref _slowDrops));
        Metric("likeperson_stream_resets_total", "counter", "`reset` events sent (position beyond retention or unknown).", Interlocked.Read(ref _resets));
        using var process = Process.GetCurrentProcess();
        Metric("process_resident_memory_bytes", "gauge", "Resident memory of this server process.", process.WorkingSet64);
        Metric("dotnet_gc_heap_bytes", "gauge", "Managed heap size after the last collection.", GC.GetTotalMemory(false));
        return sb.ToString();
    }
}
