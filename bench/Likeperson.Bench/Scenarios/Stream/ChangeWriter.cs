using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;

namespace Likeperson.Bench.Scenarios.Stream;

/// <summary>What one open-loop run of changes did.</summary>
public sealed record ChangeRun(long FirstSeq, long EndSeq, int Committed, int Failed, TimeSpan Elapsed, Latency StartLag, Latency Transaction)
{
    public double PerSecond => Committed / Elapsed.TotalSeconds;
}

/// <summary>
/// Makes changes at a fixed rate (open loop: the schedule does not wait for slow commits) from a few writer connections:
/// each is one transaction updating a random assignment's notes through the same trigger the API's updates fire
/// (assignments_publish_update → emit_change), then COMMIT. Straight SQL as the worker role, so the measured path starts
/// at the commit, not in the API's request handling, and writers never wait for the notification dispatcher.
/// </summary>
public sealed class ChangeWriter(string workerConnectionString, StreamOrg org, CommitLog log, int connections = 8) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(workerConnectionString);

    public async Task<ChangeRun> RunAsync(double perSecond, TimeSpan duration, CancellationToken ct)
    {
        var due = Channel.CreateUnbounded<(long Seq, long DueAt)>();
        var startLag = new Latency();
        var transaction = new Latency();
        int committed = 0, failed = 0;
        var random = new Random(17);
        var first = log.Next;

        async Task Writer()
        {
            await using var conn = await _source.OpenConnectionAsync(ct);
            await using var update = new NpgsqlCommand("UPDATE assignments SET notes = $1 WHERE id = $2", conn)
            {
                Parameters = { new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }, new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid } },
            };
            await update.PrepareAsync(ct);
            await foreach (var (seq, dueAt) in due.Reader.ReadAllAsync(ct))
            {
                var began = Stopwatch.GetTimestamp();
                startLag.Record(Stopwatch.GetElapsedTime(dueAt, began).TotalMilliseconds);
                int index;
                lock (random) index = random.Next(org.Assignments.Length);
                try
                {
                    await using var tx = await conn.BeginTransactionAsync(ct);
                    update.Transaction = tx;
                    update.Parameters[0].Value = $"bench:{seq}";
                    update.Parameters[1].Value = org.Assignments[index];
                    await update.ExecuteNonQueryAsync(ct);
                    log.Committing(seq, org.AssignmentChapter[index]);
                    await tx.CommitAsync(ct);
                    log.Committed(seq);
                    Interlocked.Increment(ref committed);
                }
                catch (PostgresException) { Interlocked.Increment(ref failed); }
                transaction.Record(began);
            }
        }

        var writers = Enumerable.Range(0, connections).Select(_ => Task.Run(Writer, ct)).ToArray();
        var period = Stopwatch.Frequency / perSecond;
        var count = (long)(perSecond * duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < count; i++)
        {
            var dueAt = start + (long)(i * period);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueAt);
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            due.Writer.TryWrite((log.Take(), dueAt));
        }
        due.Writer.Complete();
        await Task.WhenAll(writers);
        return new ChangeRun(first, log.Next, committed, failed, Stopwatch.GetElapsedTime(start), startLag, transaction);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
