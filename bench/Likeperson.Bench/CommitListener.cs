using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Likeperson.Bench;

/// <summary>
/// Listens to `NOTIFY likeperson_outbox` (sent by every transition's outbox row, delivered when it commits) and records
/// when each outbox row's notification arrived: a close upper bound of the transition's commit time, as the dispatcher
/// itself learns of it.
/// </summary>
public sealed class CommitListener : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, long> _seen = new();
    private Task _loop = Task.CompletedTask;

    private CommitListener(NpgsqlConnection conn) => _conn = conn;

    public static async Task<CommitListener> StartAsync(string connectionString)
    {
        var listener = new CommitListener(new NpgsqlConnection(connectionString));
        await listener._conn.OpenAsync();
        listener._conn.Notification += (_, e) =>
        {
            if (long.TryParse(e.Payload, out var id)) listener._seen.TryAdd(id, Stopwatch.GetTimestamp());
        };
        await listener._conn.ExecuteAsync("LISTEN likeperson_outbox");
        listener._loop = Task.Run(async () =>
        {
            try { while (true) await listener._conn.WaitAsync(listener._stop.Token); }
            catch (OperationCanceledException) { }
        });
        return listener;
    }

    /// <summary>The commit times seen so far, by the mentor of each outbox row (their first transition seen).</summary>
    public async Task<Dictionary<string, long>> CommitsByMentorAsync(string connectionString)
    {
        var seen = _seen.ToArray();
        await using var conn = new NpgsqlConnection(connectionString);
        var mentors = (await conn.QueryAsync<(long Id, string Mentor)>(
            "SELECT id, payload->>'mentor_id' FROM outbox WHERE id = ANY(@ids)", new { ids = seen.Select(s => s.Key).ToArray() }))
            .ToDictionary(r => r.Id, r => r.Mentor);
        return seen.Where(s => mentors.ContainsKey(s.Key)).GroupBy(s => mentors[s.Key]).ToDictionary(g => g.Key, g => g.Min(s => s.Value));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _conn.DisposeAsync();
        _stop.Dispose();
    }
}
