using System.Diagnostics;

namespace Likeperson.Bench;

/// <summary>Latency samples (milliseconds) of one measured run; thread-safe to record into.</summary>
public sealed class Latency
{
    private readonly List<double> _samples = [];
    private double[]? _sorted;

    public void Record(double milliseconds)
    {
        lock (_samples) { _samples.Add(milliseconds); _sorted = null; }
    }

    public void Record(long startTimestamp) => Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    /// <summary>Adds every sample of another run (e.g. to report all caller kinds together).</summary>
    public void Add(Latency other)
    {
        double[] theirs;
        lock (other._samples) theirs = other._samples.ToArray();
        lock (_samples) { _samples.AddRange(theirs); _sorted = null; }
    }

    public int Count { get { lock (_samples) return _samples.Count; } }

    /// <summary>Nearest-rank percentile (p in 0..100) of the samples; NaN with none.</summary>
    public double Percentile(double p)
    {
        double[] sorted;
        lock (_samples) sorted = _sorted ??= _samples.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double P50 => Percentile(50);
    public double P95 => Percentile(95);
    public double P99 => Percentile(99);
    public double Max => Percentile(100);
    public double Mean { get { lock (_samples) return _samples.Count == 0 ? double.NaN : _samples.Average(); } }
}

/// <summary>What a closed-loop run measured: operations done, errors, wall time and the latency of each operation.</summary>
public sealed record LoadRun(int Clients, int Operations, int Errors, TimeSpan Elapsed, Latency Latency)
{
    /// <summary>CPU milliseconds per operation of this process (server and HTTP clients) and of PostgreSQL, when measured.</summary>
    public (double ProcessMs, double PostgresMs) Cpu { get; init; } = (double.NaN, double.NaN);

    public double PerSecond => Operations / Elapsed.TotalSeconds;
}

public static class Load
{
    /// <summary>
    /// One client reading a cursor-paged list (<paramref name="firstPage"/> is its first page's path and query) page after
    /// page, back to the first page after <paramref name="maxPages"/> or the last one, for <paramref name="duration"/>.
    /// A page that fails ends the run with an exception: a latency of failed pages would mean nothing.
    /// </summary>
    public static async Task<LoadRun> PagesAsync(BenchContext ctx, HttpClient client, string firstPage, string label, int maxPages,
        TimeSpan duration, CancellationToken ct)
    {
        string? cursor = null;
        var page = 0;
        var run = await ClosedLoopAsync(1, duration, async (_, _, token) =>
        {
            if (page >= maxPages) { cursor = null; page = 0; }
            using var response = await client.GetAsync(cursor is null ? firstPage : $"{firstPage}&cursor={cursor}", token);
            if (!response.IsSuccessStatusCode) return false;
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStreamAsync(token));
            var next = body.RootElement.GetProperty("next_cursor");
            cursor = next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
            page = cursor is null ? maxPages : page + 1;
            return body.RootElement.GetProperty("items").GetArrayLength() > 0;
        }, ct, ctx.Warmup, ctx.Log, ctx.StartCpuMeter);
        if (run.Errors > 0) throw new InvalidOperationException($"{label}: {run.Errors} of {run.Operations} pages failed");
        return run;
    }

    /// <summary>
    /// Closed loop: <paramref name="clients"/> workers each run <paramref name="operation"/> (client index, iteration)
    /// back to back for <paramref name="duration"/>, after an unmeasured warm-up. An operation that throws counts as an
    /// error (and its message is kept for the first few); it returns false for an expected refusal, also an error.
    /// </summary>
    public static async Task<LoadRun> ClosedLoopAsync(int clients, TimeSpan duration, Func<int, long, CancellationToken, Task<bool>> operation,
        CancellationToken ct, TimeSpan? warmup = null, TextWriter? log = null, Func<CpuMeter>? cpu = null)
    {
        var latency = new Latency();
        var measuring = false;
        int operations = 0, errors = 0;
        var iterations = new long[clients];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        async Task Worker(int client)
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await operation(client, iterations[client]++, stop.Token); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    ok = false;
                    if (Volatile.Read(ref errors) < 3) log?.WriteLine($"  error (client {client}): {e.GetType().Name}: {e.Message}");
                }
                if (!Volatile.Read(ref measuring)) continue;
                latency.Record(start);
                Interlocked.Increment(ref operations);
                if (!ok) Interlocked.Increment(ref errors);
            }
        }

        var workers = Enumerable.Range(0, clients).Select(i => Task.Run(() => Worker(i))).ToArray();
        await Task.Delay(warmup ?? TimeSpan.FromSeconds(1), ct);
        // Warm means every client got a couple of answers (the first requests of a cold server can take seconds).
        for (var waited = 0; Enumerable.Range(0, clients).Any(i => Volatile.Read(ref iterations[i]) < 3) && waited < 300; waited++)
            await Task.Delay(100, ct);
        var started = Stopwatch.GetTimestamp();
        var meter = cpu?.Invoke();
        Volatile.Write(ref measuring, true);
        await Task.Delay(duration, ct);
        // On a loaded machine (or a --quick run) one operation can outlast the window: wait for the first so a rate is never 0.
        while (Volatile.Read(ref operations) == 0 && workers.All(w => !w.IsCompleted)) await Task.Delay(20, ct);
        Volatile.Write(ref measuring, false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var used = meter?.PerOperation(Volatile.Read(ref operations)) ?? (double.NaN, double.NaN);
        stop.Cancel();
        await Task.WhenAll(workers);
        return new LoadRun(clients, operations, errors, elapsed, latency) { Cpu = used };
    }
}
