using System.Text.Json;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 3: latency of the paused roster (GET /api/v1/roster/paused) pages in the realistic organisation, as a coordinator
/// of one chapter and as the org admin (whole organisation, and filtered to one chapter), following the cursor through
/// several pages. One client at a time: this is the latency a coordinator sees, not a throughput test.
/// </summary>
public sealed class RosterScenario : IScenario
{
    public string Name => "roster";
    public string Title => "Paused roster pages (issue 3)";

    private sealed record Reader(string Label, Guid Person, string Query, int MaxPages);

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var (db, org) = await ctx.SharedOrgAsync();
        // Reads only: the notification dispatcher is off so that no backlog of an earlier scenario competes with them.
        var server = await ctx.StartServerAsync(db, new Dictionary<string, string?> { ["Notifications:DispatcherEnabled"] = "false" });
        var chapter = org.Chapters[0];
        Reader[] readers =
        [
            new("coordinator of one chapter, 10 per page", chapter.Coordinators[0], "limit=10", 10),
            new("org admin, whole organisation, 50 per page", org.AdminId, "limit=50", 5),
            new("org admin, one chapter, 10 per page", org.AdminId, $"limit=10&chapter_id={chapter.Id}", 10),
        ];
        var all = new Latency();
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        foreach (var (reader, i) in readers.Select((r, i) => (r, i)))
        {
            using var client = server.As(reader.Person);
            var run = await Load.PagesAsync(ctx, client, $"/api/v1/roster/paused?{reader.Query}", reader.Label, reader.MaxPages, ctx.MeasureFor(8), ct);
            all.Add(run.Latency);
            var key = new[] { "coordinator", "admin", "admin_chapter" }[i];
            figures[$"roster_{key}_p99_ms"] = run.Latency.P99;
            rows.Add([reader.Label, run.Operations.ToString(), Results.N(run.Latency.P50), Results.N(run.Latency.P95),
                Results.N(run.Latency.P99), Results.N(run.PerSecond), Results.N(run.Cpu.ProcessMs), Results.N(run.Cpu.PostgresMs)]);
            ctx.Log.WriteLine($"  {reader.Label}: p50 {Results.N(run.Latency.P50)} ms, p99 {Results.N(run.Latency.P99)} ms ({run.Operations} pages), " +
                              $"CPU ms/page process {Results.N(run.Cpu.ProcessMs)} pg {Results.N(run.Cpu.PostgresMs)}");
        }
        figures["roster_p50_ms"] = all.P50;
        figures["roster_p99_ms"] = all.P99;
        var spec = org.Spec;
        var markdown = $"""
            {spec.Mentors:N0} mentors in {spec.Chapters} chapters, {spec.Paused:N0} paused, {spec.Assignments:N0} assignments.
            One client walks the pages with the cursor (restarting after the last page it reads), over HTTP to the real server.
            Goal: p99 under 10 ms. All pages: p50 **{Results.N(all.P50)} ms**, p99 **{Results.N(all.P99)} ms**.

            {Results.Table(["caller", "pages", "p50 ms", "p95 ms", "p99 ms", "pages/s", "bench process CPU ms/page", "PostgreSQL CPU ms/page"], rows)}
            CPU per page: the bench process is the server and the one HTTP client; PostgreSQL is every backend of the cluster.
            On a machine this loaded the latency is mostly waiting for a core; the CPU a page costs is the steadier figure.
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }
}
