using Likeperson.Realtime;

namespace Likeperson.Tests.Realtime;

/// <summary>The per-subscriber queue in isolation: what fills it, what drops the subscriber.</summary>
public sealed class SubscriberTests
{
    private static readonly Guid Org = Guid.NewGuid(), Me = Guid.NewGuid(), ChapterA = Guid.NewGuid(), ChapterB = Guid.NewGuid();

    private static Subscriber Coordinator(int buffer) =>
        new(Org, new StreamScope(Me, false, [ChapterA], 1), new StreamFilter(StreamTopics.All, null), buffer);

    private static ChangeEvent InChapter(long position, Guid chapter) =>
        new(position, "assignment.updated", [chapter], Guid.NewGuid(), null, "{}");

    [Fact]
    public void Heartbeats_OnAStreamThatIsNotReading_NeverFillTheQueueOrDropIt()
    {
        using var s = Coordinator(buffer: 2);
        for (var i = 0; i < 100; i++) Assert.True(s.Offer(ChangeEvent.Heartbeat));
        Assert.Null(s.DropReason);
        Assert.Equal(1, s.Queue.Count);
    }

    [Fact]
    public void Events_BeyondTheBuffer_DropTheSubscriberAndCancelIt()
    {
        using var s = Coordinator(buffer: 2);
        Assert.True(s.Offer(InChapter(1, ChapterA)));
        Assert.True(s.Offer(InChapter(2, ChapterB))); // not in scope: not queued
        Assert.True(s.Offer(InChapter(3, ChapterA)));
        Assert.False(s.Offer(InChapter(4, ChapterA)));
        Assert.Equal("slow_client", s.DropReason);
        Assert.True(s.Dropped.IsCancellationRequested);
        Assert.Equal(2, s.Queue.Count); // what was queued stays; nothing more is accepted
    }
}
