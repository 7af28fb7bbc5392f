using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 3: pause/reactivate cycles through the HTTP API against the same SQL functions driven by pgbench, at 1, 4 and 16
/// concurrent clients, in the realistic organisation. Every client owns distinct mentors (so clients never queue on one
/// mentor's row lock) and acts as their chapter's coordinator; it picks a random one of its mentors, pauses them, and
/// reactivates them with its next transition. pgbench does exactly that as the application role, setting the identity
/// the way the server does (set_config('app.person_id', ..., true) in the transaction), so the ratio is the server's cost.
/// </summary>
public sealed class TransitionsScenario : IScenario
{
    public string Name => "transitions";
    public string Title => "Pause/reactivate through the API vs pgbench (issue 3)";

    private static readonly int[] Levels = [1, 4, 16];

    private sealed record Target(Guid Mentor, Guid Coordinator);

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var (db, org) = await ctx.SharedOrgAsync();
        // The dispatcher would turn each transition into notifications in the background, work pgbench does not do; it
        // is measured separately below (the last row), with the backlog of the pgbench runs cleared first.
        var server = await ctx.StartServerAsync(db, new Dictionary<string, string?> { ["Notifications:DispatcherEnabled"] = "false" });
        var duration = ctx.MeasureFor(15);
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        foreach (var clients in ctx.Quick ? [1, 16] : Levels)
        {
            var api = await ApiRunAsync(ctx, server, db, clients, duration, ct);
            var pg = await PgBenchRunAsync(ctx, db, clients, duration, ct);
            var ratio = api.PerSecond / pg.PerSecond;
            figures[$"transitions_api_per_s_{clients}"] = api.PerSecond;
            figures[$"transitions_pgbench_per_s_{clients}"] = pg.PerSecond;
            figures[$"transitions_api_p99_ms_{clients}"] = api.Latency.P99;
            figures[$"transitions_pgbench_p99_ms_{clients}"] = pg.Latency.P99;
            figures[$"transitions_api_over_pgbench_{clients}"] = ratio;
            rows.Add(Row($"API, {clients}", api));
            rows.Add(Row($"pgbench, {clients}", pg));
            ctx.Log.WriteLine($"  {clients} clients: API {Results.N(api.PerSecond)}/s (p99 {Results.N(api.Latency.P99)} ms, CPU ms/op " +
                              $"process {Results.N(api.Cpu.ProcessMs)} pg {Results.N(api.Cpu.PostgresMs)}), pgbench {Results.N(pg.PerSecond)}/s " +
                              $"(p99 {Results.N(pg.Latency.P99)} ms, pg CPU {Results.N(pg.Cpu.PostgresMs)}), ratio {ratio:F2}");
        }
        await server.DisposeAsync();

        var dispatchNote = "";
        if (!ctx.Quick)
        {
            // The same API run with the notification dispatcher on, as in production (informational).
            await ExecuteAsOwnerAsync(db, "UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL");
            var full = await ctx.StartServerAsync(db);
            var withDispatch = await ApiRunAsync(ctx, full, db, 16, duration, ct);
            figures["transitions_api_dispatching_per_s_16"] = withDispatch.PerSecond;
            rows.Add(Row("API, 16, dispatcher on", withDispatch));
            // Let the dispatcher finish what the run queued, so the next scenario does not compete with its backlog.
            var drain = System.Diagnostics.Stopwatch.StartNew();
            long left;
            while ((left = await PendingOutboxAsync(db)) > 0 && drain.Elapsed < TimeSpan.FromSeconds(120))
                await Task.Delay(500, ct);
            dispatchNote = $"After the dispatcher-on run its outbox backlog took {drain.Elapsed.TotalSeconds:F0} s to drain" +
                           (left > 0 ? $" ({left} rows still pending after 120 s were set aside)." : ".");
            await ExecuteAsOwnerAsync(db, "UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL");
        }

        var ratio16 = figures["transitions_api_over_pgbench_16"];
        var spec = org.Spec;
        var markdown = $"""
            {spec.Mentors:N0} mentors in {spec.Chapters} chapters ({spec.Paused:N0} paused), {spec.Assignments:N0} assignments. Each client
            owns distinct mentors and acts as their coordinator: a random mentor is paused, then reactivated by the client's next
            transition. API: `POST /api/v1/mentors/{"{id}"}/pause|reactivate` over loopback HTTP to the real server (the bench's
            clients run in the same process, on the same 2 cores). pgbench: the same `mentor_pause`/`mentor_reactivate` as
            `likeperson_app` after `set_config('app.person_id', …)` in the same transaction (`-M prepared`). The notification
            dispatcher is off except in the last row (pgbench does not dispatch either). {duration.TotalSeconds:F0} s per run.

            Goal: API at least 60% of pgbench at 16 clients. Reached: **{ratio16:P0}** ({Results.N(figures["transitions_api_per_s_16"])}/s
            vs {Results.N(figures["transitions_pgbench_per_s_16"])}/s).

            {Results.Table(["driver, clients", "transitions/s", "p50 ms", "p95 ms", "p99 ms", "bench process CPU ms/op", "PostgreSQL CPU ms/op", "errors"], rows)}

            CPU per transition: "bench process" is the server and the HTTP clients together (pgbench rows: the bench process is
            idle, pgbench's own CPU is not counted); "PostgreSQL" is every backend of the cluster. {dispatchNote}
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    private static IReadOnlyList<string> Row(string label, LoadRun run) =>
        [label, Results.N(run.PerSecond), Results.N(run.Latency.P50), Results.N(run.Latency.P95), Results.N(run.Latency.P99),
         Results.N(run.Cpu.ProcessMs), Results.N(run.Cpu.PostgresMs), run.Errors.ToString()];

    /// <summary>Active mentors and a coordinator of their chapter, dealt round-robin to the clients (re-read each run).</summary>
    private static async Task<List<Target>[]> TargetsAsync(DatabaseConnections db, int clients)
    {
        await using var conn = new NpgsqlConnection(db.Owner);
        var all = (await conn.QueryAsync<Target>("""
            SELECT m.id AS mentor, (SELECT c.person_id FROM chapter_memberships c
                                    WHERE c.chapter_id = mm.chapter_id AND c.role = 'coordinator' ORDER BY c.person_id LIMIT 1) AS coordinator
            FROM peer_mentors m JOIN chapter_memberships mm ON mm.person_id = m.id AND mm.role = 'peer_mentor'
            WHERE m.status = 'active'
            ORDER BY m.id
            """)).ToList();
        var per = all.Count / clients;
        return Enumerable.Range(0, clients).Select(c => Enumerable.Range(0, per).Select(k => all[k * clients + c]).ToList()).ToArray();
    }

    private static async Task<LoadRun> ApiRunAsync(BenchContext ctx, BenchServer server, DatabaseConnections db, int clients,
        TimeSpan duration, CancellationToken ct)
    {
        var targets = await TargetsAsync(db, clients);
        var tokens = targets.SelectMany(t => t).Select(t => t.Coordinator).Distinct()
            .ToDictionary(c => c, c => new AuthenticationHeaderValue("Bearer", ctx.Token(c)));
        using var http = server.As(Guid.Empty); // the shared connection pool; each request carries its coordinator's token
        var current = new Target?[clients];
        var pauseBody = Encoding.UTF8.GetBytes("""{"reason":"bench"}""");
        return await Load.ClosedLoopAsync(clients, duration, async (client, _, token) =>
        {
            var pausing = current[client] is null;
            var target = current[client] ?? targets[client][Random.Shared.Next(targets[client].Count)];
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/mentors/{target.Mentor}/{(pausing ? "pause" : "reactivate")}");
            request.Headers.Authorization = tokens[target.Coordinator];
            if (pausing) request.Content = new ByteArrayContent(pauseBody) { Headers = { ContentType = new("application/json") } };
            using var response = await http.SendAsync(request, token);
            await response.Content.LoadIntoBufferAsync(token);
            current[client] = pausing ? target : null;
            return response.IsSuccessStatusCode;
        }, ct, ctx.Warmup, ctx.Log, ctx.StartCpuMeter);
    }

    private const string Script = """
        \if :phase = 0
        \set k random(0, :per - 1)
        \endif
        BEGIN;
        SELECT mentor, set_config('app.person_id', coordinator::text, true) AS identity FROM bench_targets WHERE client = :client_id AND k = :k \gset
        \if :phase = 0
        SELECT version FROM mentor_pause(:mentor, 'bench', NULL, NULL, now());
        \set phase 1
        \else
        SELECT version FROM mentor_reactivate(:mentor, NULL, now());
        \set phase 0
        \endif
        COMMIT;
        """;

    private static async Task<LoadRun> PgBenchRunAsync(BenchContext ctx, DatabaseConnections db, int clients, TimeSpan duration, CancellationToken ct)
    {
        var targets = await TargetsAsync(db, clients);
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync(ct);
            await conn.ExecuteAsync("""
                DROP TABLE IF EXISTS bench_targets;
                CREATE TABLE bench_targets (client int, k int, mentor uuid, coordinator uuid, PRIMARY KEY (client, k));
                GRANT SELECT ON bench_targets TO likeperson_app;
                """);
            await using var import = await conn.BeginBinaryImportAsync("COPY bench_targets FROM STDIN (FORMAT BINARY)", ct);
            for (var c = 0; c < clients; c++)
                for (var k = 0; k < targets[c].Count; k++)
                {
                    await import.StartRowAsync(ct);
                    await import.WriteAsync(c, ct);
                    await import.WriteAsync(k, ct);
                    await import.WriteAsync(targets[c][k].Mentor, ct);
                    await import.WriteAsync(targets[c][k].Coordinator, ct);
                }
            await import.CompleteAsync(ct);
        }
        await ExecuteAsOwnerAsync(db, "ANALYZE bench_targets");
        // A short unmeasured run first, like the API's warm-up (caches, the functions' plans are per connection anyway).
        var variables = new Dictionary<string, string> { ["per"] = targets[0].Count.ToString(), ["phase"] = "0" };
        var run = await PgBench.RunAsync(db.Application, Script, clients, duration, variables, ctx.Log, ct, ctx.StartCpuMeter());
        await ExecuteAsOwnerAsync(db, "DROP TABLE bench_targets");
        return run;
    }

    private static async Task<long> PendingOutboxAsync(DatabaseConnections db)
    {
        await using var conn = new NpgsqlConnection(db.Owner);
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE processed_at IS NULL");
    }

    private static async Task ExecuteAsOwnerAsync(DatabaseConnections db, string sql)
    {
        await using var conn = new NpgsqlConnection(db.Owner);
        await conn.ExecuteAsync(sql);
    }
}
