using Likeperson.Database;
using Npgsql;

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
/// One listening connection per instance for the notification loops: NOTIFY likeperson_outbox
/// (a transition committed) wakes the dispatcher, NOTIFY likeperson_push (a push row is due) the
/// sender. Only hints: the tables are the truth, so a lost notification or a reconnect (which
/// wakes both once) loses nothing; the loops also poll.
/// </summary>
public sealed class NotificationWakeups(WorkerDataSource worker, NotificationOptions options, ILogger<NotificationWakeups> log)
    : BackgroundService
{
    public Wakeup Outbox { get; } = new();
    public Wakeup Push { get; } = new();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.DispatcherEnabled && !options.SenderEnabled) return;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await worker.Source.OpenConnectionAsync(ct);
                conn.Notification += (_, e) => (e.Channel == "likeperson_outbox" ? Outbox : Push).Signal();
                await using (var listen = new NpgsqlCommand("LISTEN likeperson_outbox; LISTEN likeperson_push", conn))
                    await listen.ExecuteNonQueryAsync(ct);
                Outbox.Signal();
                Push.Signal();
                while (!ct.IsCancellationRequested)
                {
                    // A quiet connection is probed now and then, so a dead one is noticed and replaced.
                    if (!await conn.WaitAsync(TimeSpan.FromSeconds(30), ct))
                        await using (var ping = new NpgsqlCommand("SELECT 1", conn))
                            await ping.ExecuteScalarAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "The notification listener lost its connection; reconnecting");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
