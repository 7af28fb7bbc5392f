using System.Diagnostics;

namespace Likeperson.Bench.Scenarios.Stream;

/// <summary>
/// Every change the writers make has a sequence number, written into the assignment's notes (`bench:N`) so that it
/// travels inside the event; here is when its COMMIT was sent and which chapter it belongs to. A subscriber that
/// receives `bench:N` computes its commit-to-subscriber latency from this, with the same clock.
/// </summary>
public sealed class CommitLog(int capacity)
{
    private readonly long[] _committing = new long[capacity];
    private readonly int[] _chapter = new int[capacity];
    private readonly bool[] _committed = new bool[capacity];
    private long _next;

    public int Capacity => capacity;

    public long Take() => Interlocked.Increment(ref _next) - 1 is var seq && seq < capacity ? seq
        : throw new InvalidOperationException("The commit log is full: give the scenario a larger capacity.");

    public long Next => Interlocked.Read(ref _next);

    /// <summary>Called just before COMMIT is sent (the change's lock is held and its event written: only the commit remains).</summary>
    public void Committing(long seq, int chapter) => CommittingAt(seq, chapter, Stopwatch.GetTimestamp());

    /// <summary>As <see cref="Committing"/>, with a commit time learnt afterwards (an HTTP answer or a NOTIFY).</summary>
    public void CommittingAt(long seq, int chapter, long timestamp)
    {
        _chapter[seq] = chapter;
        Volatile.Write(ref _committing[seq], timestamp);
    }

    public void Committed(long seq) => _committed[seq] = true;

    public bool WasCommitted(long seq) => _committed[seq];

    public int ChapterOf(long seq) => _chapter[seq];

    /// <summary>Milliseconds from the COMMIT being sent to <paramref name="receivedAt"/>; NaN for a number never written here.</summary>
    public double LatencyMs(long seq, long receivedAt)
    {
        if ((ulong)seq >= (ulong)capacity) return double.NaN;
        var sent = Volatile.Read(ref _committing[seq]);
        return sent == 0 ? double.NaN : Stopwatch.GetElapsedTime(sent, receivedAt).TotalMilliseconds;
    }
}
