using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 17, point 3: batch dispatch. The org admin sends `POST /api/v1/assignments/batch` with 500 items (250 active
/// mentors, two assignments each, so a mentor's two sequences fall in one batch) while an org admin's event stream is
/// open; each run uses new mentors. Measured: the request (sent to answered), and commit to the 500th
/// `assignment.created` on the stream (the commit is when the first `NOTIFY likeperson_changes` after the request was
/// sent arrives: PostgreSQL delivers it at commit, as the server's own listener learns of it). Afterwards every mentor's sequences must be 1..n without gap or repeat. The dispatcher is on, as in
/// production: the batch's 500 outbox rows are dispatched while the stream delivers.
/// </summary>
public sealed class BatchScenario : IScenario
{
    public string Name => "batch";
    public string Title => "Batch dispatch: 500 assignments in one request (issue 17)";

    private const int Items = 500;

    private sealed record Pick(Guid Mentor, Guid Contact);

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var (db, org) = await ctx.SharedOrgAsync();
        var server = await ctx.StartServerAsync(db);
        var runs = ctx.Quick ? 1 : 5;
        List<Pick> picks;
        await using (var conn = new NpgsqlConnection(db.Owner))
            picks = (await conn.QueryAsync<Pick>("""
                SELECT m.id AS mentor, (SELECT id FROM contacts c WHERE c.chapter_id = mm.chapter_id ORDER BY id LIMIT 1) AS contact
                FROM peer_mentors m JOIN chapter_memberships mm ON mm.person_id = m.id AND mm.role = 'peer_mentor'
                WHERE m.status = 'active' ORDER BY m.id DESC LIMIT @n
                """, new { n = runs * Items / 2 })).ToList();
        // 250 new mentors per run; the quick organisation has fewer, so there each of its mentors takes more items.
        var perRun = Math.Min(Items / 2, picks.Count / runs);

        await using var changes = new NpgsqlConnection(db.Owner);
        await changes.OpenAsync(ct);
        long notified = 0;
        changes.Notification += (_, _) => Interlocked.CompareExchange(ref notified, Stopwatch.GetTimestamp(), 0);
        await changes.ExecuteAsync("LISTEN likeperson_changes");
        using var stopListening = new CancellationTokenSource();
        var listening = Task.Run(async () =>
        {
            try { while (true) await changes.WaitAsync(stopListening.Token); }
            catch (OperationCanceledException) { }
        });
        using var stream = new StreamCounter(server.As(org.AdminId));
        await stream.OpenAsync(ct);
        using var http = server.As(org.AdminId);
        var requests = new List<double>();
        var delivered = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var mentors = picks.Skip(run * perRun).Take(perRun).ToList();
            var items = Enumerable.Range(0, Items).Select(i => mentors[i % mentors.Count])
                .Select(p => new Dictionary<string, Guid> { ["peer_mentor_id"] = p.Mentor, ["contact_id"] = p.Contact });
            var body = JsonSerializer.Serialize(new { items });
            var seenBefore = stream.Created;
            Interlocked.Exchange(ref notified, 0);
            var sent = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync("/api/v1/assignments/batch", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            await response.Content.LoadIntoBufferAsync(ct);
            var answered = Stopwatch.GetTimestamp();
            if ((int)response.StatusCode != 201)
                throw new InvalidOperationException($"batch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            var last = await stream.WaitForAsync(seenBefore + Items, TimeSpan.FromSeconds(30), ct);
            var committed = Interlocked.Read(ref notified);
            if (committed == 0) throw new InvalidOperationException("no NOTIFY likeperson_changes arrived for the batch's commit");
            requests.Add(Stopwatch.GetElapsedTime(sent, answered).TotalSeconds);
            delivered.Add(Stopwatch.GetElapsedTime(committed, last).TotalSeconds);
            ctx.Log.WriteLine($"  run {run + 1}: request {Results.N(requests[^1])} s, commit to the {Items}th event {Results.N(delivered[^1])} s");
        }
        await stopListening.CancelAsync();
        await listening;
        await CheckSequencesAsync(db.Owner!, picks.Select(p => p.Mentor).ToArray());

        requests.Sort();
        delivered.Sort();
        var figures = new Dictionary<string, double>
        {
            ["batch_500_s"] = requests[requests.Count / 2], ["batch_500_max_s"] = requests[^1],
            ["batch_500_stream_s"] = delivered[delivered.Count / 2], ["batch_500_stream_max_s"] = delivered[^1],
        };
        var table = Results.Table(["figure", "median", "slowest", "goal"],
        [
            [$"request, {Items} items (sent to answered)", $"**{Results.N(figures["batch_500_s"])} s**", $"{Results.N(figures["batch_500_max_s"])} s", "≤ 1 s"],
            [$"commit to the {Items}th event on an org admin's stream", $"**{Results.N(figures["batch_500_stream_s"])} s**",
                $"{Results.N(figures["batch_500_stream_max_s"])} s", "≤ 1 s"],
        ]);
        var markdown = $"""
            {org.Spec.Mentors:N0} mentors, {org.Spec.Assignments:N0} assignments before the runs. {runs} batches of {Items} items
            ({perRun} active mentors, {Items / perRun} or more each, new mentors every run) through `POST /api/v1/assignments/batch` as the org admin, one
            after another, with the org admin's event stream open and the notification dispatcher on. Every mentor's sequences
            were checked afterwards: 1..n, no gap, no repeat.

            {table}
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    private static async Task CheckSequencesAsync(string owner, Guid[] mentors)
    {
        await using var conn = new NpgsqlConnection(owner);
        var bad = await conn.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM (SELECT peer_mentor_id, count(*) AS n, max(mentor_assignment_sequence) AS top,
                                         count(DISTINCT mentor_assignment_sequence) AS distinct_n
                                  FROM assignments WHERE peer_mentor_id = ANY(@mentors) GROUP BY peer_mentor_id) s
            WHERE n <> top OR n <> distinct_n
            """, new { mentors });
        if (bad > 0) throw new InvalidOperationException($"{bad} mentor(s) have gaps or repeats in their assignment sequence");
    }

    /// <summary>One event stream (assignments), counting `assignment.created` events and when the latest arrived.</summary>
    private sealed class StreamCounter(HttpClient http) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly SemaphoreSlim _arrived = new(0);
        private int _created;
        private long _lastAt;
        private Task _reading = Task.CompletedTask;

        public int Created => Volatile.Read(ref _created);

        public async Task OpenAsync(CancellationToken ct)
        {
            http.Timeout = Timeout.InfiniteTimeSpan;
            var response = await http.GetAsync("/api/v1/events?topics=assignments", HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            _reading = Task.Run(async () =>
            {
                try
                {
                    while (await reader.ReadLineAsync(_stop.Token) is { } line)
                        if (line == "event: assignment.created")
                        {
                            Volatile.Write(ref _lastAt, Stopwatch.GetTimestamp());
                            Interlocked.Increment(ref _created);
                            _arrived.Release();
                        }
                }
                catch (OperationCanceledException) { }
                finally { response.Dispose(); }
            });
        }

        /// <summary>Waits until <paramref name="count"/> events have arrived in all; the time the last of them came.</summary>
        public async Task<long> WaitForAsync(int count, TimeSpan timeout, CancellationToken ct)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Created < count)
                if (!await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), ct) && Stopwatch.GetTimestamp() > deadline)
                    throw new TimeoutException($"the stream delivered {Created} of {count} assignment.created events");
            return Volatile.Read(ref _lastAt);
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _reading.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            _stop.Dispose();
        }
    }
}
