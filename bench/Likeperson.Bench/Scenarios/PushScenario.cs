using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 6: push to a fake FCM on loopback. Every person of the realistic organisation has one device. (1) Latency:
/// mentors pause themselves through the API at 100 transitions/s (open loop), each telling the chapter's two
/// coordinators and confirming to the mentor: three pushes; commit-to-FCM is measured from the moment the
/// transition committed (the earlier of its HTTP answer and its NOTIFY) to the fake's arrival of each message.
/// (2) Throughput: a burst of self-pauses committed in one transaction is drained by dispatcher and sender; pushes/s is
/// the number of pushes over the time from that commit to the last push's arrival.
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
        await using var commits = await CommitListener.StartAsync(db.Worker);
        var active = new Queue<Guid>(Interleave(org.Chapters.Select(c => c.Mentors.Except(c.PausedMentors).ToList())));
        Guid[] Take(int n) => Enumerable.Range(0, n).Select(_ => active.Dequeue()).ToArray();

        var rate = ctx.Quick ? 20 : 100;
        var warm = await PauseAtRateAsync(server, Take((int)(rate * ctx.Warmup.TotalSeconds) + 1), rate, new(), ct);
        await ArrivalsAsync(fcm, warm, TimeSpan.FromSeconds(120)); // the warm-up's pushes are out before the measured run starts
        var measured = Take((int)(rate * ctx.MeasureFor(30).TotalSeconds));
        var requests = new ConcurrentDictionary<string, PauseRequest>();
        var paused = await PauseAtRateAsync(server, measured, rate, requests, ct);
        var failures = measured.Length - paused.Length;
        if (failures > measured.Length / 100) throw new InvalidOperationException($"{failures} of {measured.Length} pauses failed");
        var arrivals = await ArrivalsAsync(fcm, paused, TimeSpan.FromSeconds(120));
        var committed = await commits.CommitsByMentorAsync(db.Worker);
        Latency fromCommit = new(), fromRequest = new(), api = new();
        foreach (var r in requests.Values) api.Record(Stopwatch.GetElapsedTime(r.Sent, r.Answered).TotalMilliseconds);
        foreach (var a in arrivals)
        {
            var r = requests[a.MentorId!];
            // The commit is before both the answer and the NOTIFY a listener gets: the earlier of the two is closest.
            var commit = committed.TryGetValue(a.MentorId!, out var notified) ? Math.Min(notified, r.Answered) : r.Answered;
            fromCommit.Record(Stopwatch.GetElapsedTime(commit, a.Timestamp).TotalMilliseconds);
            fromRequest.Record(Stopwatch.GetElapsedTime(r.Sent, a.Timestamp).TotalMilliseconds);
        }
        var (pickUp, delivery) = await BreakdownAsync(db.Worker, arrivals, requests, committed);
        ctx.Log.WriteLine($"  {paused.Length} pauses at {rate}/s: commit-to-FCM p50 {Results.N(fromCommit.P50)} ms, p99 {Results.N(fromCommit.P99)} ms; " +
                          $"request-to-FCM p99 {Results.N(fromRequest.P99)} ms; pause request p99 {Results.N(api.P99)} ms; " +
                          $"commit to dispatch p50/p99 {Results.N(pickUp.P50)}/{Results.N(pickUp.P99)} ms, dispatch to FCM {Results.N(delivery.P50)}/{Results.N(delivery.P99)} ms");

        var burst = Take(ctx.Quick ? 100 : 4_000);
        var commitTook = await PauseInOneTransactionAsync(db.Owner!, burst, ct);
        var visible = Stopwatch.GetTimestamp();
        var drained = await ArrivalsAsync(fcm, burst, TimeSpan.FromSeconds(300));
        var drain = Stopwatch.GetElapsedTime(visible, drained.Max(a => a.Timestamp));
        var perSecond = drained.Count / drain.TotalSeconds;
        ctx.Log.WriteLine($"  burst of {burst.Length} pauses ({drained.Count} pushes): all sent {Results.N(drain.TotalSeconds)} s after commit, {Results.N(perSecond)} pushes/s");

        var figures = new Dictionary<string, double>
        {
            ["push_commit_to_fcm_p50_ms"] = fromCommit.P50, ["push_commit_to_fcm_p99_ms"] = fromCommit.P99,
            ["push_request_to_fcm_p99_ms"] = fromRequest.P99, ["push_transition_api_p99_ms"] = api.P99,
            ["push_per_s"] = perSecond, ["push_burst_drain_s"] = drain.TotalSeconds,
        };
        var table = Results.Table(["measurement", "result"], [
            [$"{paused.Length:N0} self-pauses through the API at {rate}/s (open loop): commit-to-FCM p50", $"{Results.N(fromCommit.P50)} ms"],
            [$"… p99 (over all {arrivals.Count:N0} pushes)", $"**{Results.N(fromCommit.P99)} ms**"],
            ["… from the moment the pause request was sent, p99", $"{Results.N(fromRequest.P99)} ms"],
            ["… the pause request itself (to its answer), p99", $"{Results.N(api.P99)} ms"],
            ["… of which commit to the dispatcher's claim, p50 / p99", $"{Results.N(pickUp.P50)} / {Results.N(pickUp.P99)} ms"],
            ["… and the dispatcher's claim to the FCM request, p50 / p99", $"{Results.N(delivery.P50)} / {Results.N(delivery.P99)} ms"],
            [$"burst: {burst.Length:N0} self-pauses committed in one transaction ({Results.N(commitTook.TotalSeconds)} s), {drained.Count:N0} pushes: all sent after the commit",
                $"{Results.N(drain.TotalSeconds)} s"],
            ["… sustained rate (pushes / time from the commit to the last push)", $"**{Results.N(perSecond)} pushes/s**"],
        ]);
        var markdown = $"""
            {org.Spec.Mentors:N0} mentors in {org.Spec.Chapters} chapters (two coordinators each), one device per person; push through the
            real FCM HTTP v1 client (OAuth token, messages:send) to a fake FCM on loopback in the same process. Each self-pause tells the
            chapter's two coordinators and confirms to the mentor: {PushesPerPause} pushes (and 3 in-app notifications).
            Goals: commit-to-FCM p99 under 500 ms, at least 1,000 pushes/s.

            {table}
            A transition's commit time is taken as the earlier of its HTTP answer and the `NOTIFY likeperson_outbox` its commit sends
            (received by a listener of the bench); both come just after the commit, so commit-to-FCM is if anything slightly low. The
            request-to-FCM line adds the time the request waited and ran in the server.
            {(failures > 0 ? $"{failures} of {measured.Length:N0} pause requests failed (not counted). " : "")}{ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    private sealed record PauseRequest(long Sent, long Answered);

    /// <summary>
    /// Where commit-to-FCM goes: commit to the start of the dispatcher transaction that made the push row (its created_at,
    /// the database's clock, which is the machine's like the bench's), and from there to the FCM request.
    /// </summary>
    private static async Task<(Latency PickUp, Latency Delivery)> BreakdownAsync(string worker, List<FcmArrival> arrivals,
        ConcurrentDictionary<string, PauseRequest> requests, Dictionary<string, long> committed)
    {
        await using var conn = new NpgsqlConnection(worker);
        var created = (await conn.QueryAsync<(Guid Id, DateTime CreatedAt)>("SELECT id, created_at FROM notifications WHERE id = ANY(@ids)",
            new { ids = arrivals.Select(a => Guid.Parse(a.NotificationId!)).ToArray() })).ToDictionary(r => r.Id.ToString(), r => r.CreatedAt);
        var (anchorUtc, anchor) = (DateTime.UtcNow, Stopwatch.GetTimestamp());
        Latency pickUp = new(), delivery = new();
        foreach (var a in arrivals)
        {
            var made = anchor + (long)((created[a.NotificationId!] - anchorUtc).TotalSeconds * Stopwatch.Frequency);
            var r = requests[a.MentorId!];
            var commit = committed.TryGetValue(a.MentorId!, out var notified) ? Math.Min(notified, r.Answered) : r.Answered;
            pickUp.Record((made - commit) * 1000.0 / Stopwatch.Frequency);
            delivery.Record((a.Timestamp - made) * 1000.0 / Stopwatch.Frequency);
        }
        return (pickUp, delivery);
    }

    /// <summary>Mentors from every chapter in turn, so consecutive transitions concern different chapters.</summary>
    private static IEnumerable<Guid> Interleave(IEnumerable<List<Guid>> chapters)
    {
        var lists = chapters.ToList();
        for (var i = 0; lists.Any(l => i < l.Count); i++)
            foreach (var l in lists.Where(l => i < l.Count))
                yield return l[i];
    }

    /// <summary>One device per person of the organisation, and no quiet hours (the busy-organisation scenario too).</summary>
    internal static async Task RegisterDevicesAsync(string owner, Guid org)
    {
        await using var conn = new NpgsqlConnection(owner);
        await conn.ExecuteAsync("""
            INSERT INTO devices (token, person_id, organization_id, platform)
            SELECT 'bench-' || id, id, organization_id, 'android' FROM people WHERE organization_id = @org;
            -- The measure is delivery, whatever the hour the bench runs at: no quiet hours.
            UPDATE people SET quiet_hours_enabled = false WHERE organization_id = @org;
            """, new { org }, commandTimeout: 600);
    }

    /// <summary>Open loop: request i is sent at start + i/rate whatever the earlier ones are doing. Returns the mentors paused.</summary>
    private static async Task<Guid[]> PauseAtRateAsync(BenchServer server, Guid[] mentors, int rate,
        ConcurrentDictionary<string, PauseRequest> requests, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var pending = new List<Task<bool>>();
        for (var i = 0; i < mentors.Length; i++)
        {
            var wait = TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            pending.Add(PauseAsync(server, mentors[i], requests, ct));
        }
        var ok = await Task.WhenAll(pending);
        return mentors.Where((_, i) => ok[i]).ToArray();
    }

    private static async Task<bool> PauseAsync(BenchServer server, Guid mentor, ConcurrentDictionary<string, PauseRequest> requests,
        CancellationToken ct)
    {
        using var client = server.As(mentor);
        var sent = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync($"/api/v1/mentors/{mentor}/pause",
            new StringContent("""{"reason":"Travelling"}""", System.Text.Encoding.UTF8, "application/json"), ct);
        requests[mentor.ToString()] = new(sent, Stopwatch.GetTimestamp());
        return response.IsSuccessStatusCode;
    }

    /// <summary>
    /// Each mentor pauses themself through the same core function as the API (mentor_transition, the mentor as actor), all in
    /// one transaction, so the whole burst becomes visible to the dispatcher at once. Returns how long it took.
    /// </summary>
    private static async Task<TimeSpan> PauseInOneTransactionAsync(string owner, Guid[] mentors, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            SELECT count(mentor_transition(p.id, 'pause', 'Travelling', NULL, NULL, now(), p))
            FROM (SELECT id FROM unnest(@mentors::uuid[]) AS m(id) ORDER BY id) m JOIN people p ON p.id = m.id
            """, new { mentors }, tx, commandTimeout: 0, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return Stopwatch.GetElapsedTime(start);
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
