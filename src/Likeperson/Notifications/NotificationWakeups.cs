using Likeperson.Database;

namespace Likeperson.Notifications;

/// <summary>A wake-up that is never lost: a signal given while nobody waits makes the next wait return at once.</summary>
public sealed class Wakeup
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// The notification loops' wake-ups, fed by the instance's one <see cref="DatabaseListener"/>: NOTIFY likeperson_outbox
/// (a transition committed) wakes the dispatcher, NOTIFY likeperson_push (a push row is due) the sender. Only hints: the
/// tables are the truth, so a lost notification or a reconnect (which wakes both once) loses nothing; the loops also poll.
/// Both start signalled, so each loop reads once at start whether or not the listener connected before they existed.
/// </summary>
public sealed class NotificationWakeups
{
    public Wakeup Outbox { get; } = new();
    public Wakeup Push { get; } = new();

    public NotificationWakeups(DatabaseListener listener)
    {
        listener.Notified += (channel, _) =>
        {
            if (channel == "likeperson_outbox") Outbox.Signal();
            else if (channel == "likeperson_push") Push.Signal();
        };
        listener.Connected += WakeBoth;
        WakeBoth();
    }

    private void WakeBoth()
    {
        Outbox.Signal();
        Push.Signal();
    }
}
