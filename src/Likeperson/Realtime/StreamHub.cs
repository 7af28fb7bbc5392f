namespace Likeperson.Realtime;

/// <summary>
/// The in-memory side of the fan-out: per organisation with open streams, the last position read
/// from the database (its head) and its subscribers. The fan-out loop reads each woken
/// organisation's new events once and hands them here; every subscriber filters them in memory.
/// </summary>
public sealed class StreamHub(StreamMetrics metrics)
{
    private sealed class OrgFeed(long head)
    {
        public long Head = head;
        public readonly List<Subscriber> Subscribers = [];
    }

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
            feed.Subscribers.Add(s);
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
            return _feeds.TryGetValue(org, out var feed)
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
                else s.Drop("person_removed");
            }
        }
    }

    /// <summary>Offers the organisation's new events, in position order, to each of its subscribers.</summary>
    public void Deliver(Guid org, IReadOnlyList<ChangeEvent> events)
    {
        lock (_gate)
        {
            if (!_feeds.TryGetValue(org, out var feed)) return;
            foreach (var e in events)
            {
                if (e.Position <= feed.Head) continue;
                foreach (var s in feed.Subscribers)
                    if (!s.Offer(e)) metrics.SlowClientDropped();
                feed.Head = e.Position;
            }
        }
    }

    public void Heartbeat()
    {
        lock (_gate)
            foreach (var feed in _feeds.Values)
                foreach (var s in feed.Subscribers)
                    if (!s.Offer(ChangeEvent.Heartbeat)) metrics.SlowClientDropped();
    }
}
