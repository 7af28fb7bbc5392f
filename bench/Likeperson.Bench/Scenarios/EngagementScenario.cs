using System.Diagnostics;
using System.Net.Http.Headers;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 18: the engagement report over 10,000 mentors with a year of history (<see cref="EngagementData"/>), as the org
/// admin asks for the whole organisation and the past 365 days through the API: JSON, and the CSV download; and a
/// coordinator's one chapter. Each is asked once to warm up, then timed several times; the figure is the median.
/// </summary>
public sealed class EngagementScenario : IScenario
{
    public string Name => "engagement";
    public string Title => "The engagement report (issue 18)";

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var spec = ctx.Quick ? EngagementSpec.Quick : EngagementSpec.Full;
        var db = await ctx.CreateDatabaseAsync();
        var org = await EngagementData.LoadAsync(db.Owner!, spec, ctx.Log);
        var server = await ctx.StartServerAsync(db);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var url = $"/api/v1/reports/engagement?from={today.AddDays(-365):yyyy-MM-dd}&to={today.AddDays(-1):yyyy-MM-dd}";
        var runs = ctx.Quick ? 2 : 7;

        var json = await TimeAsync(server.As(org.Admin), url, null, runs, ct);
        var csv = await TimeAsync(server.As(org.Admin), url, "text/csv", runs, ct);
        var chapter = await TimeAsync(server.As(org.Coordinator), $"{url}&chapter_id={org.Chapter}", null, runs, ct);
        var sql = await TimeSqlAsync(db.Application, org.Admin, today.AddDays(-365), today.AddDays(-1), runs, ct);
        ctx.Log.WriteLine($"  whole organisation: JSON {Results.N(json.Median)} s ({json.Bytes / 1024:N0} KiB), CSV {Results.N(csv.Median)} s; " +
                          $"one chapter {Results.N(chapter.Median * 1000)} ms; the SQL alone {Results.N(sql.Median)} s");

        var figures = new Dictionary<string, double>
        {
            ["engagement_report_10k_s"] = json.Median, ["engagement_report_10k_max_s"] = json.Max,
            ["engagement_report_10k_csv_s"] = csv.Median, ["engagement_report_chapter_ms"] = chapter.Median * 1000,
            ["engagement_report_10k_sql_s"] = sql.Median,
        };
        var table = Results.Table(["request", "median", "slowest", "goal", "answer size"],
        [
            ["org admin, whole organisation, JSON", $"**{Results.N(json.Median)} s**", $"{Results.N(json.Max)} s", "under 1 s", $"{json.Bytes / 1024:N0} KiB"],
            ["org admin, whole organisation, CSV", $"{Results.N(csv.Median)} s", $"{Results.N(csv.Max)} s", "", $"{csv.Bytes / 1024:N0} KiB"],
            ["the same SQL alone, as the org admin (psql's way: text over one connection)", $"{Results.N(sql.Median)} s", $"{Results.N(sql.Max)} s", "", $"{sql.Bytes / 1024:N0} KiB"],
            ["coordinator, one chapter, JSON", $"{Results.N(chapter.Median * 1000)} ms", $"{Results.N(chapter.Max * 1000)} ms", "", $"{chapter.Bytes / 1024:N0} KiB"],
        ]);
        var markdown = $"""
            {spec.Mentors:N0} mentors in {spec.Chapters:N0} chapters with a year of history: {org.Pauses:N0} pause records,
            {org.StatusLog:N0} status-log rows, {org.Assignments:N0} assignments and {org.Activities:N0} activities. The report covers
            the past 365 days (`GET /api/v1/reports/engagement`, one SQL statement); each request was made once to warm up and then
            {runs} times, one after another.

            {table}
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    private sealed record Timed(double Median, double Max, long Bytes);

    /// <summary>The statement the endpoint sends, straight to PostgreSQL as the application role: the database's share.</summary>
    private static async Task<Timed> TimeSqlAsync(string connectionString, Guid person, DateOnly from, DateOnly to, int runs, CancellationToken ct)
    {
        var seconds = new List<double>();
        long bytes = 0;
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        for (var i = 0; i <= runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using var batch = new Npgsql.NpgsqlBatch(conn, tx)
            {
                BatchCommands =
                {
                    new("SELECT set_config('app.person_id', $1, true)") { Parameters = { new() { Value = person.ToString() } } },
                    new("SELECT engagement_report($1, $2, NULL, now())::text") { Parameters = { new() { Value = from }, new() { Value = to } } },
                },
            };
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                await reader.NextResultAsync(ct);
                await reader.ReadAsync(ct);
                bytes = System.Text.Encoding.UTF8.GetByteCount(reader.GetString(0));
            }
            await tx.CommitAsync(ct);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (i > 0) seconds.Add(elapsed);
        }
        seconds.Sort();
        return new Timed(seconds[seconds.Count / 2], seconds[^1], bytes);
    }

    private static async Task<Timed> TimeAsync(HttpClient client, string url, string? accept, int runs, CancellationToken ct)
    {
        var seconds = new List<double>();
        long bytes = 0;
        for (var i = 0; i <= runs; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (accept is not null) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            var start = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
            bytes = body.Length;
            if (i > 0) seconds.Add(elapsed); // the first is the warm-up
        }
        seconds.Sort();
        return new Timed(seconds[seconds.Count / 2], seconds[^1], bytes);
    }
}
