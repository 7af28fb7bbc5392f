using System.Text.RegularExpressions;
using Likeperson.Assignments;
using Likeperson.Mentors;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 17, point 1: the roster page and the assignment list under 16 clients, as a coordinator and as the org admin,
/// through the API against pgbench running the same SQL as the same role in the same run. "The same SQL" is the feature's
/// own batch text (PauseRoster.PageBatch, AssignmentList.Build), sent the way the server sends it: the identity and the
/// statements in one pipeline, one implicit transaction, one round trip (pgbench's \startpipeline, -M prepared).
/// </summary>
public sealed partial class ReadsScenario : IScenario
{
    public string Name => "reads";
    public string Title => "Reads at the database's speed: API vs pgbench at 16 clients (issue 17)";

    private const int Clients = 16;

    private sealed record Read(string Key, string Label, Guid Person, string Path, string Sql, Dictionary<string, string> Literals);

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var (db, org) = await ctx.SharedOrgAsync();
        var server = await ctx.StartServerAsync(db, new Dictionary<string, string?> { ["Notifications:DispatcherEnabled"] = "false" });
        var coordinator = org.Chapters[0].Coordinators[0];
        // The first page of each, default sizes, as the endpoints build it (a null parameter becomes NULL, now() is now).
        var roster = PauseRoster.PageBatch(hasCursor: false);
        var rosterLiterals = new Dictionary<string, string> { ["chapterId"] = "NULL", ["fetch"] = (Paging.Limit(null) + 1).ToString(), ["now"] = "now()" };
        var (assignments, _, _) = AssignmentList.Build(new AssignmentQuery(), withNames: false);
        var assignmentLiterals = new Dictionary<string, string>
        {
            ["status"] = "NULL", ["peerMentorId"] = "NULL", ["chapterId"] = "NULL", ["assignmentId"] = "NULL",
            ["c"] = "NULL", ["i"] = "NULL",
        };
        Read[] reads =
        [
            new("roster_coordinator", "paused roster, coordinator of one chapter", coordinator, "/api/v1/roster/paused", roster, rosterLiterals),
            new("roster_admin", "paused roster, org admin (whole organisation)", org.AdminId, "/api/v1/roster/paused", roster, rosterLiterals),
            new("assignments_coordinator", "assignment list, coordinator", coordinator, "/api/v1/assignments", assignments, assignmentLiterals),
            new("assignments_admin", "assignment list, org admin", org.AdminId, "/api/v1/assignments", assignments, assignmentLiterals),
        ];

        var duration = ctx.MeasureFor(8);
        var figures = new Dictionary<string, double>();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var read in reads)
        {
            using var client = server.As(read.Person);
            var api = await Load.ClosedLoopAsync(Clients, duration, async (_, _, token) =>
            {
                using var response = await client.GetAsync(read.Path, token);
                await response.Content.LoadIntoBufferAsync(token);
                return response.IsSuccessStatusCode;
            }, ct, ctx.Warmup, ctx.Log, ctx.StartCpuMeter);
            var pg = await PgBench.RunAsync(db.Application, Script(read), Clients, duration,
                new Dictionary<string, string> { ["person"] = read.Person.ToString() }, ctx.Log, ct, ctx.StartCpuMeter());
            if (api.Errors > 0 || pg.Errors > 0)
                throw new InvalidOperationException($"{read.Label}: {api.Errors} API and {pg.Errors} pgbench errors");
            var ratio = api.PerSecond / pg.PerSecond;
            figures[$"{read.Key}_api_per_s_16"] = api.PerSecond;
            figures[$"{read.Key}_pgbench_per_s_16"] = pg.PerSecond;
            figures[$"{read.Key}_api_over_pgbench_16"] = ratio;
            rows.Add([read.Label, Results.N(api.PerSecond), Results.N(pg.PerSecond), $"**{Results.N(ratio)}**",
                Results.N(api.Latency.P99), Results.N(pg.Latency.P99), Results.N(api.Cpu.ProcessMs), Results.N(api.Cpu.PostgresMs),
                Results.N(pg.Cpu.PostgresMs)]);
            ctx.Log.WriteLine($"  {read.Label}: API {Results.N(api.PerSecond)}/s (p99 {Results.N(api.Latency.P99)} ms), " +
                              $"pgbench {Results.N(pg.PerSecond)}/s (p99 {Results.N(pg.Latency.P99)} ms), ratio {Results.N(ratio)}");
        }
        // The issue's keys: the worse of the two callers.
        figures["roster_api_over_pgbench_16"] = Math.Min(figures["roster_coordinator_api_over_pgbench_16"], figures["roster_admin_api_over_pgbench_16"]);
        figures["assignments_api_over_pgbench_16"] =
            Math.Min(figures["assignments_coordinator_api_over_pgbench_16"], figures["assignments_admin_api_over_pgbench_16"]);

        var spec = org.Spec;
        var markdown = $"""
            {spec.Mentors:N0} mentors in {spec.Chapters} chapters, {spec.Paused:N0} paused, {spec.Assignments:N0} assignments.
            {Clients} clients in a closed loop read the first page, {duration.TotalSeconds:F0} s each: through the API (HTTP to
            the real server, the notification dispatcher off), then pgbench with the feature's own SQL text (`PauseRoster.PageBatch`,
            `AssignmentList.Build`) as `likeperson_app`, the identity and the statements in one pipeline as the server sends them.
            Goal: API at least 0.7 of pgbench. Worse caller: roster **{Results.N(figures["roster_api_over_pgbench_16"])}**,
            assignment list **{Results.N(figures["assignments_api_over_pgbench_16"])}**.

            {Results.Table(["read", "API/s", "pgbench/s", "API / pgbench", "API p99 ms", "pgbench p99 ms",
                "bench process CPU ms/read", "PostgreSQL CPU ms/read (API)", "PostgreSQL CPU ms/read (pgbench)"], rows)}
            The server, its 16 HTTP clients and pgbench share the machine's cores with PostgreSQL, so the ratio also measures
            how much CPU the .NET side takes from the database. {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    /// <summary>
    /// The feature's batch as a pgbench script: Dapper's @names become the literals given (a name without one is a
    /// mistake in this scenario, not a NULL), each statement on its own, all in one pipeline after the identity.
    /// </summary>
    private static string Script(Read read)
    {
        var sql = Parameter().Replace(read.Sql, m => read.Literals.TryGetValue(m.Groups[1].Value, out var literal)
            ? literal : throw new InvalidOperationException($"{read.Key}: no value for @{m.Groups[1].Value}"));
        var statements = sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.TrimEnd(';') + ";");
        return $"""
            \startpipeline
            SELECT set_config('app.person_id', :person, true);
            {string.Join("\n", statements)}
            \endpipeline
            """;
    }

    [GeneratedRegex(@"(?<![@\w])@(\w+)")]
    private static partial Regex Parameter();
}
