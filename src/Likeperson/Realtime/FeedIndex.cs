namespace Likeperson.Realtime;

/// <summary>
/// One organisation's subscribers arranged by who may see what (the rule of <see cref="StreamScope"/>): the org admins,
/// the coordinators of each chapter, and everyone by person (the mentor an event concerns, a notification's recipient).
/// An event is offered only to the subscribers its fields name, so its cost follows its audience, not the number of open
/// streams. It only pre-selects: each candidate still judges the event with its own scope and filter. Rebuilt from the
/// subscribers whenever they or their scopes change (rare next to events).
/// </summary>
internal sealed class FeedIndex
{
    private readonly List<Subscriber> _admins = [];
    private readonly Dictionary<Guid, List<Subscriber>> _byChapter = [];
    private readonly Dictionary<Guid, List<Subscriber>> _byPerson = [];

    /// <summary>The oldest scope epoch among the subscribers: none is stale while the organisation's epoch is not above it.</summary>
    public long MinScopeEpoch { get; } = long.MaxValue;

    public FeedIndex(List<Subscriber> subscribers)
    {
        foreach (var s in subscribers)
        {
            var scope = s.Scope;
            MinScopeEpoch = Math.Min(MinScopeEpoch, scope.Epoch);
            Add(_byPerson, scope.PersonId, s);
            if (scope.OrgAdmin) _admins.Add(s);
            else
                foreach (var chapter in scope.CoordinatedChapters)
                    Add(_byChapter, chapter, s);
        }
    }

    /// <summary>Offers the event once to each subscriber that may see it (and perhaps a few more, never fewer).</summary>
    public void Offer(ChangeEvent e, StreamMetrics metrics)
    {
        if (e.RecipientId is { } recipient)
        {
            Offer(_byPerson.GetValueOrDefault(recipient), e, metrics);
            return;
        }
        Offer(_admins, e, metrics);
        foreach (var chapter in e.ChapterIds)
            Offer(_byChapter.GetValueOrDefault(chapter), e, metrics);
        if (e.MentorId is { } mentor)
            Offer(_byPerson.GetValueOrDefault(mentor), e, metrics);
    }

    // A subscriber can be named twice (a coordinator of two of the event's chapters, an admin who is its mentor): the
    // position it was last offered makes the second time a no-op.
    private static void Offer(List<Subscriber>? list, ChangeEvent e, StreamMetrics metrics)
    {
        if (list is null) return;
        foreach (var s in list)
        {
            if (s.OfferedThrough >= e.Position) continue;
            s.OfferedThrough = e.Position;
            if (!s.Offer(e)) metrics.SlowClientDropped();
        }
    }

    private static void Add(Dictionary<Guid, List<Subscriber>> map, Guid key, Subscriber s)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(s);
    }
}
