using Npgsql;

namespace Likeperson.Database;

/// <summary>
/// The instance's one PostgreSQL listening connection, shared by the event-stream fan-out (`likeperson_changes`) and the
/// notification loops (`likeperson_outbox`, `likeperson_push`), with one reconnect loop. NOTIFY is only ever a hint: the
/// tables are the truth, so after every (re)connect <see cref="Connected"/> tells each user to re-read whatever may have
/// been notified while nobody listened.
/// </summary>
public sealed class DatabaseListener(WorkerDataSource worker, ILogger<DatabaseListener> log) : BackgroundService
{
    public static readonly string[] Channels = ["likeperson_changes", "likeperson_outbox", "likeperson_push"];

    /// <summary>A NOTIFY arrived: its channel and payload. Handlers run on the listening connection's thread: keep them short.</summary>
    public event Action<string, string>? Notified;

    /// <summary>The connection is (again) listening.</summary>
    public event Action? Connected;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await worker.Source.OpenConnectionAsync(ct);
                conn.Notification += (_, e) => Notified?.Invoke(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand(string.Join("; ", Channels.Select(c => $"LISTEN {c}")), conn))
                    await listen.ExecuteNonQueryAsync(ct);
                Connected?.Invoke();
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
                log.LogWarning(e, "The database listener lost its connection; reconnecting");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
