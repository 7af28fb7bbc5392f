using System.Diagnostics;
using System.Net.Http.Headers;
using Dapper;
using Likeperson.Bench.Scenarios.Stream;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 17 §2: a busy organisation. Mentors pause themselves through the API at 200 transitions/s (open loop) for 60 s in
/// one organisation, while every coordinator of it (1,000, two per chapter) holds a `GET /api/v1/events` stream and push
/// is on (one device per person, a fake FCM on loopback): each pause is an event on two coordinators' streams, three
/// in-app notifications (each an event on its recipient's stream) and three pushes. Measured: failed requests, the
/// transition's own latency, and commit to each coordinator's stream holding the event (`bench:N` is the mentor's display
/// name, so it travels inside the event).
/// </summary>
public sealed class BusyOrgScenario : IScenario
{
    public string Name => "busyorg";
    public string Title => "A busy organisation: transitions, streams and push together (issue 17)";

    private sealed record Size(int Chapters, int MentorsPerChapter, int Rate, TimeSpan Warmup, TimeSpan Measure);

    private static readonly Size Full = new(500, 28, 200, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
    private static readonly Size Quick = new(10, 10, 20, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2));

    private sealed record Request(long Sent, long Answered, int Status);

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var size = ctx.Quick ? Quick : Full;
        var db = await ctx.CreateDatabaseAsync();
        var org = await StreamOrg.SeedAsync(db.Owner!, size.Chapters, 2, 1, size.MentorsPerChapter);
        var mentors = await PrepareAsync(db.Owner!, org.Id);
        var load = Machine.LoadAverage();
        await using var fcm = await FakeFcm.StartAsync();
        var settings = fcm.Settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);
        // The full run's server is a process of its own (as in the stream scenario: its thread pool is not the 1,000
        // readers'); the quick run's is in-process, which starts in a fraction of the time.
        await using var process = ctx.Quick ? null : await ServerProcess.StartAsync(db, settings, ctx.Log, ct);
        var inProcess = ctx.Quick ? await ctx.StartServerAsync(db, fcm.Settings) : null;
        var baseAddress = process?.BaseAddress ?? inProcess!.BaseAddress;
        await using var commits = await CommitListener.StartAsync(db.Worker);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        async Task<double> SubscribersAsync() => process is not null
            ? (await process.MetricsAsync(probe, ct))["likeperson_stream_subscribers"]
            : inProcess!.Services.GetRequiredService<Likeperson.Realtime.StreamMetrics>().Subscribers;
        var log = new CommitLog(mentors.Length);

        await using var clients = new SseClients(baseAddress, log);
        var coordinators = org.Coordinators.SelectMany(c => c).ToList();
        await clients.OpenAsync(coordinators.Select(ctx.Token).ToList(), "", 50, ct);
        var deadline = Stopwatch.StartNew();
        while (await SubscribersAsync() < coordinators.Count)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException("The server never reached every subscriber.");
            await Task.Delay(100, ct);
        }

        // Open loop: request i is sent at start + i/rate whatever the earlier ones are doing; mentor i is bench:i.
        var total = (int)(size.Rate * (size.Warmup + size.Measure).TotalSeconds);
        if (total > mentors.Length) throw new InvalidOperationException($"{total} transitions need as many mentors; there are {mentors.Length}.");
        var warmup = (int)(size.Rate * size.Warmup.TotalSeconds);
        var requests = new Request?[total];
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waits = SampleWaitsAsync(db.Owner!, sampling.Token);
        var start = Stopwatch.GetTimestamp();
        var pending = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var wait = TimeSpan.FromSeconds((double)i / size.Rate) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            var n = i;
            pending.Add(Task.Run(async () => requests[n] = await PauseAsync(http, ctx.Token(mentors[n].Id), mentors[n].Id, ct), ct));
        }
        await Task.WhenAll(pending);
        var took = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await sampling.CancelAsync();
        var (samples, waited) = await waits;
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // the last deliveries
        var pushesExpected = requests.Count(r => r!.Status is >= 200 and < 300) * 3; // the two coordinators and the mentor
        var pushing = Stopwatch.StartNew();
        while (fcm.Arrivals.Count < pushesExpected && pushing.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(100, ct);
        var pushesDone = Stopwatch.GetElapsedTime(start).TotalSeconds;

        // A transition's commit: the earlier of its HTTP answer and the NOTIFY its commit sends (as the push scenario).
        var committed = await commits.CommitsByMentorAsync(db.Worker);
        var transition = new Latency();
        var errors = 0;
        for (var i = warmup; i < total; i++)
        {
            var r = requests[i]!;
            if (r.Status is < 200 or >= 300) { errors++; continue; }
            transition.Record(Stopwatch.GetElapsedTime(r.Sent, r.Answered).TotalMilliseconds);
        }
        for (var i = 0; i < total; i++)
        {
            var r = requests[i]!;
            if (r.Status is < 200 or >= 300) continue;
            var commit = committed.TryGetValue(mentors[i].Id.ToString(), out var notified) ? Math.Min(notified, r.Answered) : r.Answered;
            log.CommittingAt(i, mentors[i].Chapter, commit);
            log.Committed(i);
        }
        var (stream, received) = clients.Samples(warmup, total, firstPerStream: true);
        // Pauses answered per second over the measured part, from its first request to its last answer.
        var measured = requests.Skip(warmup).Select(r => r!).ToList();
        var answered = (measured.Count - errors) / Stopwatch.GetElapsedTime(measured.Min(r => r.Sent), measured.Max(r => r.Answered)).TotalSeconds;
        var expected = (total - warmup - errors) * 2L; // each pause reaches its chapter's two coordinators
        var pushed = fcm.Arrivals.Count;
        ctx.Log.WriteLine($"  busy organisation: {total - warmup:N0} pauses at {size.Rate}/s in {Results.N(took)} s, {errors} failed; " +
                          $"transition p99 {Results.N(transition.P99)} ms; {received:N0} of {expected:N0} deliveries, commit-to-subscriber " +
                          $"p50 {Results.N(stream.P50)} ms, p99 {Results.N(stream.P99)} ms; {pushed:N0} pushes reached FCM; {clients.Ended} streams ended");

        var figures = new Dictionary<string, double>
        {
            ["busy_org_errors"] = errors + Math.Max(0, expected - received) + clients.Ended + Math.Max(0, pushesExpected - pushed),
            ["busy_org_transition_p99_ms"] = transition.P99,
            ["busy_org_stream_p99_ms"] = stream.P99,
            ["busy_org_transitions_per_s"] = answered, // measured: the schedule is 200/s whatever the server does
        };
        var waitLines = string.Join(", ", waited.OrderByDescending(w => w.Value).Take(6)
            .Select(w => $"{w.Key} {Results.N(100.0 * w.Value / Math.Max(1, waited.Values.Sum()))}%"));
        ctx.Log.WriteLine($"  active backends, {samples:N0} samples: {waitLines}");
        string Met(double v, double goal) => v <= goal ? "**met**" : "**missed**";
        var table = Results.Table(["measurement", "result", "goal"], [
            [$"self-pauses through the API at {size.Rate}/s for {Results.N(size.Measure.TotalSeconds)} s (after {Results.N(size.Warmup.TotalSeconds)} s of warm-up)",
                $"{total - warmup:N0} sent, {errors} failed; {Results.N(answered)} answered/s", "0 failed"],
            [$"deliveries to the {coordinators.Count:N0} coordinators' streams (received / expected)", $"{received:N0} / {expected:N0}", "all"],
            ["streams the server ended during the run", $"{clients.Ended}", "0"],
            ["transition request to its answer: p50 / p99", $"{Results.N(transition.P50)} / **{Results.N(transition.P99)}** ms",
                $"p99 ≤ 50 ms: {Met(transition.P99, 50)}"],
            ["commit to the coordinator's stream holding the event: p50 / p95 / p99",
                $"{Results.N(stream.P50)} / {Results.N(stream.P95)} / **{Results.N(stream.P99)}** ms", $"p99 ≤ 50 ms: {Met(stream.P99, 50)}"],
            ["pushes that reached the fake FCM (warm-up included; three per pause), and when the last did after the first request",
                $"{pushed:N0} of {pushesExpected:N0}, {Results.N(pushesDone)} s", "all"],
        ]);
        var markdown = $"""
            {size.Chapters * size.MentorsPerChapter:N0} mentors in {size.Chapters} chapters of one organisation, two coordinators each
            ({coordinators.Count:N0}), one device per person, quiet hours off, push through the real FCM client to a fake FCM on loopback.
            The server runs as its own process (as in the stream scenario{(ctx.Quick ? "; in quick mode in-process" : "")}); each of the {coordinators.Count:N0} coordinators holds
            an event stream read by the bench. Each self-pause is one transaction (the mentor's row, the pause record, the status log,
            the outbox row and the change event); the dispatcher then writes three in-app and three push notifications (the chapter's
            two coordinators and the mentor) and the sender pushes them. `busy_org_errors` counts failed requests, deliveries that
            never arrived and streams the server ended. A transition's commit is the earlier of its HTTP answer and the
            `NOTIFY likeperson_outbox` its commit sends. Load average when the scenario started: {load}.

            {table}
            What the database's busy sessions were doing during the run (pg_stat_activity every 20 ms, {samples:N0} samples; "CPU"
            is an active session waiting on nothing): {waitLines}.
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    /// <summary>Every 20 ms, what each active session of the database waits on (wait event type and name; none = CPU).</summary>
    private static async Task<(int Samples, Dictionary<string, int> Waits)> SampleWaitsAsync(string owner, CancellationToken ct)
    {
        var blockers = Environment.GetEnvironmentVariable("BUSYORG_BLOCKERS") == "1"; // also: which statement blocks which
        var waits = new Dictionary<string, int>();
        var samples = 0;
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync(CancellationToken.None);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var rows = await conn.QueryAsync<(string What, int N)>(new CommandDefinition("""
                    SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU'), count(*)::int FROM pg_stat_activity
                    WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname = current_database()
                    GROUP BY 1
                    """, cancellationToken: CancellationToken.None));
                foreach (var (what, n) in rows) waits[what] = waits.GetValueOrDefault(what) + n;
                if (blockers)
                    foreach (var (what, n) in await conn.QueryAsync<(string What, int N)>(new CommandDefinition("""
                        SELECT 'waiting: ' || left(regexp_replace(a.query, '\s+', ' ', 'g'), 70) || ' | blocker: ' || left(regexp_replace(b.query, '\s+', ' ', 'g'), 70) || ' ' || b.state, count(*)::int
                        FROM pg_stat_activity a CROSS JOIN LATERAL unnest(pg_blocking_pids(a.pid)) bp JOIN pg_stat_activity b ON b.pid = bp
                        WHERE a.wait_event_type = 'Lock' AND a.datname = current_database() GROUP BY 1
                        """, cancellationToken: CancellationToken.None)))
                        waits[what] = waits.GetValueOrDefault(what) + n;
                samples++;
                await Task.Delay(20, ct);
            }
        }
        catch (OperationCanceledException) { }
        return (samples, waits);
    }

    /// <summary>Mentor i is named bench:i (the marker the stream readers look for); every person gets a device, no quiet hours.</summary>
    private static async Task<(Guid Id, int Chapter)[]> PrepareAsync(string owner, Guid org)
    {
        await using var conn = new NpgsqlConnection(owner);
        // Numbered across the chapters in turn, so consecutive pauses concern different chapters.
        var rows = (await conn.QueryAsync<(Guid Id, int Chapter, long I)>("""
            WITH c AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM chapters WHERE organization_id = @org),
            m AS (SELECT cm.person_id AS id, c.n AS chapter, row_number() OVER (PARTITION BY c.n ORDER BY cm.person_id) AS k
                  FROM chapter_memberships cm JOIN c ON c.id = cm.chapter_id WHERE cm.role = 'peer_mentor'),
            o AS (SELECT id, chapter, row_number() OVER (ORDER BY k, chapter) - 1 AS i FROM m)
            UPDATE people p SET display_name = 'bench:' || o.i FROM o WHERE p.id = o.id
            RETURNING p.id, o.chapter, o.i
            """, new { org }, commandTimeout: 600)).OrderBy(r => r.I).ToList();
        await PushScenario.RegisterDevicesAsync(owner, org);
        return rows.Select(r => (r.Id, r.Chapter)).ToArray();
    }

    private static async Task<Request> PauseAsync(HttpClient http, string token, Guid mentor, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/mentors/{mentor}/pause")
        {
            Content = new StringContent("""{"reason":"Travelling"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, ct);
            return new Request(sent, Stopwatch.GetTimestamp(), (int)response.StatusCode);
        }
        catch (HttpRequestException)
        {
            return new Request(sent, Stopwatch.GetTimestamp(), 0);
        }
    }
}
