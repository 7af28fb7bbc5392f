namespace Likeperson.Realtime;

/// <summary>
/// The in-memory side of the fan-out: per organisation with open streams, the last position read
/// from the database (its head) and its subscribers. The fan-out loop reads each woken
/// organisation's new events once and hands them here; each event is offered to the subscribers
/// its audience names (<see cref="FeedIndex"/>), and each of them judges it in memory.
/// </summary>
/// <summary>Who holds open streams: a person of an organisation, through a web session or (null) a token.</summary>
public sealed record StreamHolder(Guid Org, Guid Person, Guid? Session);

public sealed class StreamHub(StreamMetrics metrics, StreamOptions options)
{
    private sealed class OrgFeed(long head)
    {
        public long Head = head;
        public readonly List<Subscriber> Subscribers = [];
        private FeedIndex? _index;

        /// <summary>The subscribers by audience, rebuilt after they or their scopes changed.</summary>
        public FeedIndex Index => _index ??= new FeedIndex(Subscribers);
        public void Changed() => _index = null;
    }

    private readonly TimeSpan _heartbeatPeriod = options.HeartbeatInterval;
    private readonly object _gate = new();
    private readonly Dictionary<Guid, OrgFeed> _feeds = [];
    private readonly HashSet<Guid> _dirty = [];

    /// <summary>Raised when an organisation needs reading (a new subscriber or a NOTIFY).</summary>
    public event Action? Woken;

    /// <summary>
    /// Adds a subscriber. From here on it is offered every event above the feed's head; events up
    /// to that head (at least up to <paramref name="headSeen"/>) come from its own replay read.
    /// </summary>
    public void Add(Subscriber s, long headSeen)
    {
        lock (_gate)
        {
            if (!_feeds.TryGetValue(s.OrganizationId, out var feed))
                _feeds[s.OrganizationId] = feed = new OrgFeed(headSeen);
            // A person's streams beyond the limit end oldest first (Subscribers is in opening order).
            var theirs = feed.Subscribers.Where(o => o.Scope.PersonId == s.Scope.PersonId && o.DropReason is null).ToList();
            for (var i = 0; i <= theirs.Count - options.MaxStreamsPerPerson; i++) theirs[i].Drop(Subscriber.TooManyStreams);
            feed.Subscribers.Add(s);
            feed.Changed();
            // The first heartbeat at a random point of the second half of the interval: streams opened together (a
            // reconnecting crowd) do not all fall due on the same tick.
            s.HeartbeatDue = Environment.TickCount64 + (long)(HeartbeatEvery.TotalMilliseconds * (0.5 + Random.Shared.NextDouble() / 2));
            _dirty.Add(s.OrganizationId);
        }
        metrics.SubscriberAdded();
        Woken?.Invoke();
    }

    public void Remove(Subscriber s)
    {
        lock (_gate)
        {
            if (!_feeds.TryGetValue(s.OrganizationId, out var feed) || !feed.Subscribers.Remove(s)) return;
            feed.Changed();
            if (feed.Subscribers.Count == 0) _feeds.Remove(s.OrganizationId);
        }
        metrics.SubscriberRemoved();
    }

    public void MarkDirty(Guid org)
    {
        lock (_gate)
            if (_feeds.ContainsKey(org)) _dirty.Add(org);
    }

    public void MarkAllDirty()
    {
        lock (_gate)
            _dirty.UnionWith(_feeds.Keys);
    }

    /// <summary>The organisations to read now, each with the position to read after.</summary>
    public List<(Guid Org, long Head)> TakeDirty()
    {
        lock (_gate)
        {
            var work = _dirty.Where(_feeds.ContainsKey).Select(o => (o, _feeds[o].Head)).ToList();
            _dirty.Clear();
            return work;
        }
    }

    /// <summary>The people whose scope is older than the organisation's current epoch.</summary>
    public Guid[] StaleScopes(Guid org, long epoch)
    {
        lock (_gate)
            return _feeds.TryGetValue(org, out var feed) && feed.Index.MinScopeEpoch < epoch // checked on every read: O(1) while nothing moved
                ? feed.Subscribers.Where(s => s.Scope.Epoch < epoch).Select(s => s.Scope.PersonId).Distinct().ToArray()
                : [];
    }

    /// <summary>Installs re-read scopes; a person who no longer exists loses their streams.</summary>
    public void UpdateScopes(Guid org, Guid[] asked, IReadOnlyDictionary<Guid, StreamScope> scopes)
    {
        lock (_gate)
        {
            if (!_feeds.TryGetValue(org, out var feed)) return;
            var reread = asked.ToHashSet();
            foreach (var s in feed.Subscribers.Where(s => reread.Contains(s.Scope.PersonId)))
            {
                if (scopes.TryGetValue(s.Scope.PersonId, out var scope)) { if (scope.Epoch >= s.Scope.Epoch) s.Scope = scope; }
                else s.Drop(Subscriber.AccessEnded);
            }
            feed.Changed();
        }
    }

    /// <summary>Every (organisation, person) with an open stream here, for the periodic access check.</summary>
    public List<StreamHolder> People()
    {
        lock (_gate)
            return _feeds.SelectMany(f => f.Value.Subscribers.Select(s => new StreamHolder(f.Key, s.Scope.PersonId, s.SessionId))).Distinct().ToList();
    }

    /// <summary>Ends the streams of people who may no longer stream (gone from the organisation, unlinked).</summary>
    public void EndAccess(IEnumerable<StreamHolder> holders)
    {
        lock (_gate)
            foreach (var (org, person, session) in holders)
                if (_feeds.TryGetValue(org, out var feed))
                    foreach (var s in feed.Subscribers.Where(s => s.Scope.PersonId == person && s.SessionId == session))
                        s.Drop(Subscriber.AccessEnded);
    }

    /// <summary>Offers the organisation's new events, in position order, to the subscribers that may see them.</summary>
    public void Deliver(Guid org, IReadOnlyList<ChangeEvent> events)
    {
        lock (_gate)
        {
            if (!_feeds.TryGetValue(org, out var feed)) return;
            var index = feed.Index;
            foreach (var e in events)
            {
                if (e.Position <= feed.Head) continue;
                index.Offer(e, metrics);
                feed.Head = e.Position;
            }
        }
    }

    /// <summary>
    /// Queues a heartbeat for every stream whose own one is due (called every <see cref="HeartbeatTick"/>): each stream
    /// gets one every <see cref="StreamOptions.HeartbeatInterval"/> at most, and a tick only writes to the few streams
    /// due then, never to every open stream at once.
    /// </summary>
    public void Heartbeat()
    {
        var now = Environment.TickCount64;
        var period = (long)HeartbeatEvery.TotalMilliseconds;
        lock (_gate)
            foreach (var feed in _feeds.Values)
                foreach (var s in feed.Subscribers)
                {
                    if (now < s.HeartbeatDue) continue;
                    s.HeartbeatDue = now + period;
                    if (!s.Offer(ChangeEvent.Heartbeat)) metrics.SlowClientDropped();
                }
    }

    /// <summary>How often <see cref="Heartbeat"/> runs: a twentieth of the interval, so due streams wait at most that long.</summary>
    public TimeSpan HeartbeatTick => _heartbeatPeriod / 20;

    // Due this long after the last one, so that with the wait for the next tick the gap never exceeds the interval.
    private TimeSpan HeartbeatEvery => _heartbeatPeriod - HeartbeatTick;
}
