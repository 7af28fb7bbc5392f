using System.Threading.Channels;

namespace Likeperson.Realtime;

/// <summary>
/// One open stream as the fan-out sees it: its organisation, filter and current scope, and a
/// bounded queue of frames its response loop writes out. A client that lets the queue fill up is
/// dropped (its connection is aborted) rather than growing the server's memory; it resumes with
/// Last-Event-ID.
/// </summary>
public sealed class Subscriber : IDisposable
{
    private readonly Channel<ChangeEvent> _queue;
    private readonly CancellationTokenSource _dropped = new();
    private volatile StreamScope _scope;
    private int _isDropped;

    public Subscriber(Guid organizationId, StreamScope scope, StreamFilter filter, int buffer)
    {
        OrganizationId = organizationId;
        _scope = scope;
        Filter = filter;
        _queue = Channel.CreateBounded<ChangeEvent>(new BoundedChannelOptions(buffer)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of discarding silently
            SingleReader = true,
        });
    }

    /// <summary>Drop reasons: fell behind (the connection is cut), superseded by the person's newer streams, no longer allowed.</summary>
    public const string SlowClient = "slow_client", TooManyStreams = "too_many_streams", AccessEnded = "access_ended";

    public Guid OrganizationId { get; }

    /// <summary>The web session that opened the stream (its `sid`), so signing that session out ends it; null for a token.</summary>
    public Guid? SessionId { get; init; }
    public StreamFilter Filter { get; }
    /// <summary>Set only by <see cref="StreamHub"/>, which indexes its subscribers by scope.</summary>
    public StreamScope Scope { get => _scope; internal set => _scope = value; }
    public ChannelReader<ChangeEvent> Queue => _queue.Reader;

    /// <summary>The last position offered by the hub (under its lock): an event its index names twice is offered once.</summary>
    internal long OfferedThrough;

    /// <summary>When (Environment.TickCount64) this stream's next heartbeat is due; each stream has its own phase.</summary>
    internal long HeartbeatDue;

    /// <summary>Cancelled when the fan-out drops this subscriber; the response loop then aborts the connection.</summary>
    public CancellationToken Dropped => _dropped.Token;
    public string? DropReason { get; private set; }

    /// <summary>Queues the event if this subscriber wants and may see it; false when the queue was full and the subscriber is dropped.</summary>
    public bool Offer(ChangeEvent e)
    {
        if (Volatile.Read(ref _isDropped) == 1) return true;
        // A heartbeat only matters on an idle stream: anything already queued keeps it alive, and it never counts as falling behind.
        if (e.IsHeartbeat) { if (_queue.Reader.Count == 0) _queue.Writer.TryWrite(e); return true; }
        if (!Filter.Wants(e) || !_scope.Sees(e)) return true;
        if (_queue.Writer.TryWrite(e)) return true;
        Drop(SlowClient);
        return false;
    }

    public void Drop(string reason)
    {
        if (Interlocked.Exchange(ref _isDropped, 1) == 1) return;
        DropReason = reason;
        _queue.Writer.TryComplete();
        try { _dropped.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Dispose() => _dropped.Dispose();
}
