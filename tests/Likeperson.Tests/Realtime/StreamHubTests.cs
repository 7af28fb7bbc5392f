using Likeperson.Realtime;

namespace Likeperson.Tests.Realtime;

/// <summary>The hub in isolation: which subscribers an event is offered to (by its audience, once each), and heartbeats.</summary>
public sealed class StreamHubTests
{
    private static readonly Guid Org = Guid.NewGuid(), ChapterA = Guid.NewGuid(), ChapterB = Guid.NewGuid(), Mentor = Guid.NewGuid();

    private static StreamHub Hub(TimeSpan? heartbeat = null) =>
        new(new StreamMetrics(), new StreamOptions { HeartbeatInterval = heartbeat ?? TimeSpan.FromSeconds(10) });

    private static Subscriber Join(StreamHub hub, Guid person, bool admin = false, Guid[]? coordinates = null, long epoch = 0)
    {
        var s = new Subscriber(Org, new StreamScope(person, admin, coordinates ?? [], epoch), new StreamFilter(StreamTopics.All, null), 100);
        hub.Add(s, headSeen: 0);
        return s;
    }

    private static ChangeEvent Event(long position, Guid[] chapters, Guid? mentor = null, Guid? recipient = null) =>
        new(position, recipient is null ? "assignment.updated" : "notification.created", chapters, mentor, recipient, "{}");

    [Fact]
    public void Deliver_EventOfOneChapter_ReachesItsCoordinatorsTheAdminsAndTheMentorOnly()
    {
        var hub = Hub();
        var admin = Join(hub, Guid.NewGuid(), admin: true);
        var coordinatorA = Join(hub, Guid.NewGuid(), coordinates: [ChapterA]);
        var coordinatorB = Join(hub, Guid.NewGuid(), coordinates: [ChapterB]);
        var mentor = Join(hub, Mentor);
        var someone = Join(hub, Guid.NewGuid());

        hub.Deliver(Org, [Event(1, [ChapterA], Mentor)]);

        Assert.Equal([1, 1, 0, 1, 0], new[] { admin, coordinatorA, coordinatorB, mentor, someone }.Select(s => s.Queue.Count));
    }

    [Fact]
    public void Deliver_SubscriberNamedTwiceByOneEvent_GetsItOnce()
    {
        var hub = Hub();
        var both = Join(hub, Guid.NewGuid(), coordinates: [ChapterA, ChapterB]);
        var adminMentor = Join(hub, Mentor, admin: true);

        hub.Deliver(Org, [Event(1, [ChapterA, ChapterB], Mentor), Event(2, [ChapterB], Mentor)]);

        Assert.Equal([1, 2], Positions(both));
        Assert.Equal([1, 2], Positions(adminMentor));
    }

    [Fact]
    public void Deliver_Notification_ReachesOnlyItsRecipient()
    {
        var hub = Hub();
        var admin = Join(hub, Guid.NewGuid(), admin: true);
        var recipient = Join(hub, Guid.NewGuid(), coordinates: [ChapterA]);
        var sameChapter = Join(hub, Guid.NewGuid(), coordinates: [ChapterA]);

        hub.Deliver(Org, [Event(1, [], recipient: recipient.Scope.PersonId)]);

        Assert.Equal([0, 1, 0], new[] { admin, recipient, sameChapter }.Select(s => s.Queue.Count));
    }

    [Fact]
    public void UpdateScopes_CoordinatorMovedToAnotherChapter_LaterEventsFollowTheNewMembership()
    {
        var hub = Hub();
        var person = Guid.NewGuid();
        var coordinator = Join(hub, person, coordinates: [ChapterA], epoch: 1);
        Assert.Empty(hub.StaleScopes(Org, 1));
        Assert.Equal([person], hub.StaleScopes(Org, 2));

        hub.UpdateScopes(Org, [person], new Dictionary<Guid, StreamScope> { [person] = new(person, false, [ChapterB], 2) });
        hub.Deliver(Org, [Event(1, [ChapterA]), Event(2, [ChapterB])]);

        Assert.Empty(hub.StaleScopes(Org, 2));
        Assert.Equal([2], Positions(coordinator));
    }

    [Fact]
    public void Remove_LastSubscriber_LaterEventsReachNobodyAndANewOneStartsFresh()
    {
        var hub = Hub();
        var gone = Join(hub, Guid.NewGuid(), admin: true);
        hub.Remove(gone);
        hub.Deliver(Org, [Event(1, [ChapterA])]);
        var next = Join(hub, Guid.NewGuid(), admin: true);
        hub.Deliver(Org, [Event(2, [ChapterA])]);

        Assert.Equal(0, gone.Queue.Count);
        Assert.Equal([2], Positions(next));
    }

    [Fact]
    public void Heartbeat_JustOpenedStream_IsNotDueUntilItsOwnTimeAndThenNotAgainAtOnce()
    {
        var hub = Hub(heartbeat: TimeSpan.FromMilliseconds(400));
        var opened = Environment.TickCount64;
        var s = Join(hub, Guid.NewGuid(), admin: true);
        hub.Heartbeat();
        if (Environment.TickCount64 - opened < 150) Assert.Equal(0, s.Queue.Count); // due in 190 to 380 ms, not at once

        Thread.Sleep(500);
        hub.Heartbeat();
        Assert.True(s.Queue.TryRead(out var first) && first.IsHeartbeat);
        hub.Heartbeat();
        Assert.Equal(0, s.Queue.Count); // the next one is a whole interval away
    }

    private static long[] Positions(Subscriber s)
    {
        var positions = new List<long>();
        while (s.Queue.TryRead(out var e)) positions.Add(e.Position);
        return [.. positions];
    }
}
