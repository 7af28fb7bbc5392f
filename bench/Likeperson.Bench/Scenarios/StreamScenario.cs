using System.Diagnostics;
using System.Globalization;
using Likeperson.Bench.Scenarios.Stream;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 5 §5: commit-to-subscriber latency of `GET /api/v1/events` with (a) 1,000 coordinators over 100 chapters at 200
/// changes/s and (b) 100 org admins seeing every change at 100 changes/s; the server's resident memory per 1,000 open
/// streams; and the stream's database queries per change with 10 and with 1,000 subscribers.
/// </summary>
public sealed class StreamScenario : IScenario
{
    public string Name => "stream";
    public string Title => "Event stream: commit-to-subscriber latency, memory, queries per change";

    private sealed record Size(int Chapters, int CoordinatorsPerChapter, int Admins, int AssignmentsPerChapter, double RateA, double RateB,
        TimeSpan Warmup, TimeSpan Measure, int Few);

    private static readonly Size Full = new(100, 10, 100, 20, 200, 100, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30), 10);
    private static readonly Size Quick = new(5, 4, 10, 5, 50, 50, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), 5);

    private sealed record Snapshot(long Seq, double Queries, long Transactions, TimeSpan ServerCpu, TimeSpan BenchCpu);

    private sealed record Phase(string Name, int Subscribers, double TargetRate, ChangeRun Run, long Changes, double Queries, long Transactions,
        Latency Latency, long Expected, long Received, int Ended, double ServerCpuMs, double BenchCpuMs, double PostgresCpuPerChange)
    {
        public double ServerCpuPerChange => ServerCpuMs / Changes;
        public double BenchCpuPerChange => BenchCpuMs / Changes;
        public double QueriesPerChange => Queries / Changes;
    }

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var size = ctx.Quick ? Quick : Full;
        var db = await ctx.CreateDatabaseAsync();
        var org = await StreamOrg.SeedAsync(db.Owner!, size.Chapters, size.CoordinatorsPerChapter, size.Admins, size.AssignmentsPerChapter);
        var log = new CommitLog(1 << 20);
        var load = Machine.LoadAverage();
        await using var server = await ServerProcess.StartAsync(db, new Dictionary<string, string>(), ctx.Log, ct);
        await using var writer = new ChangeWriter(db.Worker, org, log);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        async Task<Snapshot> SnapshotAsync()
        {
            var metrics = await server.MetricsAsync(probe, ct);
            await using var conn = new NpgsqlConnection(db.Owner);
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", conn);
            return new Snapshot(log.Next, metrics["likeperson_stream_db_queries_total"], (long)(await cmd.ExecuteScalarAsync(ct))!,
                server.CpuTime(), Process.GetCurrentProcess().TotalProcessorTime);
        }

        async Task WaitForSubscribersAsync(int count)
        {
            var deadline = Stopwatch.StartNew();
            while ((await server.MetricsAsync(probe, ct))["likeperson_stream_subscribers"] != count)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException($"The server never reached {count} subscribers.");
                await Task.Delay(100, ct);
            }
        }

        async Task<Phase> MeasureAsync(string name, SseClients clients, double rate, Func<long, int> audience)
        {
            ctx.Log.WriteLine($"  stream: {name}: {clients.Count} subscribers, {rate} changes/s");
            var writing = writer.RunAsync(rate, size.Warmup + size.Measure + TimeSpan.FromSeconds(0.5), ct);
            await Task.Delay(size.Warmup, ct);
            var before = await SnapshotAsync();
            var postgresCpu = ctx.StartCpuMeter();
            await Task.Delay(size.Measure, ct);
            var after = await SnapshotAsync();
            var (_, postgresPerChange) = postgresCpu.PerOperation((int)(after.Seq - before.Seq));
            var run = await writing;
            await Task.Delay(TimeSpan.FromSeconds(1), ct); // the last deliveries
            var expected = 0L;
            for (var seq = before.Seq; seq < after.Seq; seq++)
                if (log.WasCommitted(seq)) expected += audience(seq);
            var (latency, received) = clients.Samples(before.Seq, after.Seq);
            ctx.Log.WriteLine($"    {received:N0} of {expected:N0} deliveries: p50 {Results.N(latency.P50)} ms, p99 {Results.N(latency.P99)} ms");
            return new Phase(name, clients.Count, rate, run, after.Seq - before.Seq, after.Queries - before.Queries,
                after.Transactions - before.Transactions, latency, expected, received, clients.Ended,
                (after.ServerCpu - before.ServerCpu).TotalMilliseconds, (after.BenchCpu - before.BenchCpu).TotalMilliseconds, postgresPerChange);
        }

        var perChapter = size.CoordinatorsPerChapter;
        // Few: one coordinator in each of the first chapters (warms the server up, and the queries-per-change baseline).
        Phase few;
        await using (var clients = new SseClients(server.BaseAddress, log))
        {
            await clients.OpenAsync(org.Coordinators.Take(size.Few).Select(c => ctx.Token(c[0])).ToList(), "", 50, ct);
            await WaitForSubscribersAsync(size.Few);
            few = await MeasureAsync("few", clients, size.RateA, seq => log.ChapterOf(seq) < size.Few ? 1 : 0);
        }
        await WaitForSubscribersAsync(0);

        // (a) every coordinator of every chapter; memory measured with the streams open and idle.
        Phase chapters;
        double residentPer1000, heapPer1000, openSeconds, teardownSeconds;
        await using (var clients = new SseClients(server.BaseAddress, log))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var rss0 = server.ResidentBytes();
            var heap0 = (await server.MetricsAsync(probe, ct))["likeperson_process_managed_heap_bytes"];
            var tokens = org.Coordinators.SelectMany(c => c).Select(ctx.Token).ToList();
            var opening = Stopwatch.StartNew();
            await clients.OpenAsync(tokens, "", 50, ct);
            await WaitForSubscribersAsync(tokens.Count);
            openSeconds = opening.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            residentPer1000 = (server.ResidentBytes() - rss0) / 1048576.0 * 1000 / tokens.Count;
            heapPer1000 = ((await server.MetricsAsync(probe, ct))["likeperson_process_managed_heap_bytes"] - heap0) / 1048576.0 * 1000 / tokens.Count;
            chapters = await MeasureAsync("chapters", clients, size.RateA, _ => perChapter);
        }
        var closing = Stopwatch.StartNew();
        await WaitForSubscribersAsync(0);
        teardownSeconds = closing.Elapsed.TotalSeconds;

        // (b) org admins: every change reaches every one of them.
        Phase admins;
        await using (var clients = new SseClients(server.BaseAddress, log))
        {
            await clients.OpenAsync(org.Admins.Select(ctx.Token).ToList(), "", 50, ct);
            await WaitForSubscribersAsync(org.Admins.Length);
            admins = await MeasureAsync("admins", clients, size.RateB, _ => org.Admins.Length);
        }

        var ratio = chapters.QueriesPerChange / few.QueriesPerChange;
        var figures = new Dictionary<string, double>
        {
            ["stream_p50_ms_chapters"] = chapters.Latency.P50,
            ["stream_p95_ms_chapters"] = chapters.Latency.P95,
            ["stream_p99_ms_chapters"] = chapters.Latency.P99,
            ["stream_p50_ms_admins"] = admins.Latency.P50,
            ["stream_p95_ms_admins"] = admins.Latency.P95,
            ["stream_p99_ms_admins"] = admins.Latency.P99,
            ["stream_rss_mb_per_1000"] = Math.Max(residentPer1000, 0.001),
            ["stream_queries_per_event_10"] = few.QueriesPerChange,
            ["stream_queries_per_event_1000"] = chapters.QueriesPerChange,
            ["stream_queries_per_event_1000_over_10"] = ratio,
        };
        return new ScenarioResult(figures,
            Markdown(ctx, size, [few, chapters, admins], residentPer1000, heapPer1000, openSeconds, teardownSeconds, ratio, load));
    }

    private static string Markdown(BenchContext ctx, Size size, Phase[] phases, double rss, double heap, double open, double teardown,
        double ratio, string load)
    {
        static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
        var (few, chapters, admins) = (phases[0], phases[1], phases[2]);
        string Goal(Phase p, double goal) => p.Latency.P99 < goal ? $"< {goal} ms: **met**" : $"< {goal} ms: **missed**";
        var latencyRows = phases.Select(p => (IReadOnlyList<string>)
        [
            p.Name, p.Subscribers.ToString(CultureInfo.InvariantCulture), $"{p.TargetRate:0} / {F(p.Run.PerSecond)}",
            $"{p.Received:N0} / {p.Expected:N0}", F(p.Latency.P50), F(p.Latency.P95), F(p.Latency.P99), F(p.Latency.Max),
            p == chapters ? Goal(p, 50) : p == admins ? Goal(p, 100) : "(baseline)",
        ]).ToList();
        var costRows = phases.Select(p => (IReadOnlyList<string>)
        [
            p.Name, F(p.QueriesPerChange), F((double)p.Transactions / p.Changes), F(p.ServerCpuPerChange), F(p.PostgresCpuPerChange),
            F(p.BenchCpuPerChange), F(p.Run.Transaction.P99), F(p.Run.StartLag.P99),
        ]).ToList();
        var flat = ratio is > 0.8 and < 1.25 ? "flat" : "**not flat**";
        return $"""
            {ctx.RunNote()} Load average when the scenario started: {load}.

            **Method.** The server runs as a process of its own (the built `Likeperson` executable with its production
            defaults, server GC) so that its memory can be read and its thread pool is not the load generator's; the load
            generator is the bench process. Writers update a random assignment's notes at a fixed rate (open loop, 8
            connections, plain SQL as the worker role through the same trigger the API's updates fire) with `bench:N` in
            the notes, and note the time just before sending COMMIT. Each subscriber is a raw reader over an HTTP/1.1 response
            (one `SocketsHttpHandler`, no connection limit) that timestamps the bytes when they arrive and scans them for
            `bench:N`: one sample per delivery, from COMMIT sent to that subscriber holding the event (so it includes the
            commit itself). {F(size.Measure.TotalSeconds)} s measured per run after {F(size.Warmup.TotalSeconds)} s of warm-up.
            **The machine has {Machine.Nproc()} cores shared by the server, PostgreSQL and the load generator (up to
            {chapters.Subscribers:N0} SSE readers and the writers), and with other work: client-side CPU and any other load
            on the machine are part of every latency below.**

            {Results.Table(["run", "subscribers", "changes/s (target / done)", "deliveries (received / expected)", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "goal (p99)"], latencyRows)}

            - **few**: one coordinator in each of {size.Few} chapters (the baseline for queries per change); **chapters**:
              all {chapters.Subscribers:N0} coordinators, {size.CoordinatorsPerChapter} in each of {size.Chapters} chapters, a change
              reaching its chapter's {size.CoordinatorsPerChapter}; **admins**: {admins.Subscribers} org admins, every change reaching all of them.
            - **Memory**: {F(rss)} MB of server RSS per 1,000 open, idle streams (RSS with the {chapters.Subscribers:N0} coordinator
              streams open minus before, scaled; managed heap {F(heap)} MB). Opening them (50 at a time: token check, one start
              read and one replay read each) took {F(open)} s; when they closed, the server's subscriber gauge was back to 0
              within {F(teardown)} s.
            - **Queries per change**: the stream's database round trips (`likeperson_stream_db_queries_total` of the server's
              `/metrics`) per change committed: {F(few.QueriesPerChange)} with {few.Subscribers} subscribers and
              {F(chapters.QueriesPerChange)} with {chapters.Subscribers:N0}: ratio **{F(ratio)}**, {flat}. One read per NOTIFY at
              most, fewer when changes arrive during a read and share the next.

            {Results.Table(["run", "stream queries per change", "DB transactions per change (all)", "server CPU ms per change",
                "PostgreSQL CPU ms per change", "load generator CPU ms per change", "writer transaction p99 ms", "writer start lag p99 ms"], costRows)}

            "DB transactions" counts every transaction of the database (pg_stat_database, flushed about once a second; it
            includes the writer's own one per change). A writer start lag well above a few ms means the writers themselves
            fell behind the schedule (their transactions queue on the organisation's stream counter row, held from the
            event's insert to the commit). Streams the server ended during the runs: {chapters.Ended + admins.Ended + few.Ended}.
            """;
    }
}
