using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 6: push to a fake FCM on loopback. Every person of the realistic organisation has one device. (1) Latency:
/// mentors pause themselves through the API at 100 transitions/s (open loop), each telling the chapter's two
/// coordinators and confirming to the mentor: three pushes; commit-to-FCM is measured from the moment the transition
/// request was sent (an upper bound of its commit) to the fake's arrival of each message. (2) Throughput: a burst of
/// self-pauses committed in bulk (transactions of 200, as the nightly job commits) is drained by dispatcher and sender;
/// pushes/s is the FCM arrival rate from the burst's first push to its last.
/// </summary>
public sealed class PushScenario : IScenario
{
    private const int PushesPerPause = 3; // two coordinators and the mentor, one device each

    public string Name => "push";
    public string Title => "Push notifications: transition commit to FCM (issue 6)";

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var (db, org) = await ctx.CreateLoadedDatabaseAsync();
        await RegisterDevicesAsync(db.Owner!, org.OrganizationId);
        await using var fcm = await FakeFcm.StartAsync();
        var server = await ctx.StartServerAsync(db, fcm.Settings);
        var active = new Queue<Guid>(Interleave(org.Chapters.Select(c => c.Mentors.Except(c.PausedMentors).ToList())));
        Guid[] Take(int n) => Enumerable.Range(0, n).Select(_ => active.Dequeue()).ToArray();

        var rate = ctx.Quick ? 20 : 100;
        await PauseAtRateAsync(server, Take((int)(rate * ctx.Warmup.TotalSeconds) + 1), rate, new(), new(), ct);
        var measured = Take((int)(rate * ctx.MeasureFor(30).TotalSeconds));
        var sent = new ConcurrentDictionary<string, long>();
        var api = new Latency();
        var failures = await PauseAtRateAsync(server, measured, rate, sent, api, ct);
        if (failures > 0) throw new InvalidOperationException($"{failures} of {measured.Length} pauses failed");
        var arrivals = await ArrivalsAsync(fcm, measured, TimeSpan.FromSeconds(120));
        var latency = new Latency();
        foreach (var a in arrivals) latency.Record(Stopwatch.GetElapsedTime(sent[a.MentorId!], a.Timestamp).TotalMilliseconds);
        ctx.Log.WriteLine($"  {measured.Length} pauses at {rate}/s: commit-to-FCM p50 {Results.N(latency.P50)} ms, p99 {Results.N(latency.P99)} ms");

        var burst = Take(ctx.Quick ? 100 : 4_000);
        var burstStart = Stopwatch.GetTimestamp();
        await PauseInBulkAsync(db.Owner!, burst, ct);
        var committed = Stopwatch.GetElapsedTime(burstStart);
        var drained = await ArrivalsAsync(fcm, burst, TimeSpan.FromSeconds(300));
        var first = drained.Min(a => a.Timestamp);
        var last = drained.Max(a => a.Timestamp);
        var perSecond = (drained.Count - 1) / Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        var drain = Stopwatch.GetElapsedTime(burstStart, last);
        ctx.Log.WriteLine($"  burst of {burst.Length} pauses ({drained.Count} pushes): {Results.N(perSecond)} pushes/s, all sent {Results.N(drain.TotalSeconds)} s after the first commit");

        var figures = new Dictionary<string, double>
        {
            ["push_commit_to_fcm_p50_ms"] = latency.P50, ["push_commit_to_fcm_p99_ms"] = latency.P99,
            ["push_transition_api_p99_ms"] = api.P99, ["push_per_s"] = perSecond, ["push_burst_drain_s"] = drain.TotalSeconds,
        };
        var table = Results.Table(["measurement", "result"], [
            [$"{measured.Length:N0} self-pauses through the API at {rate}/s (open loop): commit-to-FCM p50", $"{Results.N(latency.P50)} ms"],
            [$"… p99 (over all {arrivals.Count:N0} pushes)", $"**{Results.N(latency.P99)} ms**"],
            ["… the pause request itself, p99", $"{Results.N(api.P99)} ms"],
            [$"burst: {burst.Length:N0} self-pauses committed in {Results.N(committed.TotalSeconds)} s (transactions of 200), {drained.Count:N0} pushes: rate first to last push",
                $"**{Results.N(perSecond)} pushes/s**"],
            ["… last push sent after the burst's first commit", $"{Results.N(drain.TotalSeconds)} s"],
        ]);
        var markdown = $"""
            {org.Spec.Mentors:N0} mentors in {org.Spec.Chapters} chapters (two coordinators each), one device per person; push through the
            real FCM HTTP v1 client (OAuth token, messages:send) to a fake FCM on loopback in the same process. Each self-pause tells the
            chapter's two coordinators and confirms to the mentor: {PushesPerPause} pushes (and 3 in-app notifications).
            Goals: commit-to-FCM p99 under 500 ms, at least 1,000 pushes/s.

            {table}
            Commit-to-FCM counts from the moment the pause request was sent, so it includes the request itself: an upper bound.
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    /// <summary>Mentors from every chapter in turn, so consecutive transitions concern different chapters.</summary>
    private static IEnumerable<Guid> Interleave(IEnumerable<List<Guid>> chapters)
    {
        var lists = chapters.ToList();
        for (var i = 0; lists.Any(l => i < l.Count); i++)
            foreach (var l in lists.Where(l => i < l.Count))
                yield return l[i];
    }

    private static async Task RegisterDevicesAsync(string owner, Guid org)
    {
        await using var conn = new NpgsqlConnection(owner);
        await conn.ExecuteAsync("""
            INSERT INTO devices (token, person_id, organization_id, platform)
            SELECT 'bench-' || id, id, organization_id, 'android' FROM people WHERE organization_id = @org
            """, new { org }, commandTimeout: 600);
    }

    /// <summary>Open loop: request i is sent at start + i/rate whatever the earlier ones are doing. Returns the failures.</summary>
    private static async Task<int> PauseAtRateAsync(BenchServer server, Guid[] mentors, int rate, ConcurrentDictionary<string, long> sent,
        Latency api, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var requests = new List<Task<bool>>();
        for (var i = 0; i < mentors.Length; i++)
        {
            var wait = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            requests.Add(PauseAsync(server, mentors[i], sent, api, ct));
        }
        return (await Task.WhenAll(requests)).Count(ok => !ok);
    }

    private static async Task<bool> PauseAsync(BenchServer server, Guid mentor, ConcurrentDictionary<string, long> sent, Latency api,
        CancellationToken ct)
    {
        using var client = server.As(mentor);
        var started = Stopwatch.GetTimestamp();
        sent[mentor.ToString()] = started;
        using var response = await client.PostAsync($"/api/v1/mentors/{mentor}/pause",
            new StringContent("""{"reason":"Travelling"}""", System.Text.Encoding.UTF8, "application/json"), ct);
        api.Record(started);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Each mentor pauses themself through the same core function as the API (mentor_transition, the mentor as actor), 200 per transaction.</summary>
    private static async Task PauseInBulkAsync(string owner, Guid[] mentors, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync(ct);
        foreach (var chunk in mentors.Chunk(200))
            await conn.ExecuteAsync(new CommandDefinition("""
                SELECT count(mentor_transition(p.id, 'pause', 'Travelling', NULL, NULL, now(), p))
                FROM unnest(@chunk::uuid[]) WITH ORDINALITY AS m(id, ord) JOIN people p ON p.id = m.id
                """, new { chunk }, cancellationToken: ct));
    }

    /// <summary>Waits until every expected push for these mentors has reached the fake; returns them.</summary>
    private static async Task<List<FcmArrival>> ArrivalsAsync(FakeFcm fcm, Guid[] mentors, TimeSpan timeout)
    {
        var wanted = mentors.Select(m => m.ToString()).ToHashSet();
        var expected = mentors.Length * PushesPerPause;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var arrived = fcm.Arrivals.Where(a => a.MentorId is { } m && wanted.Contains(m)).ToList();
            if (arrived.Count >= expected) return arrived;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"Only {arrived.Count} of {expected} pushes reached FCM within {timeout.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }
}
