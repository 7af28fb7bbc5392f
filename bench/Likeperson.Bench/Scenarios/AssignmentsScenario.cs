using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Likeperson.Bench.Scenarios;

/// <summary>
/// Issue 4: concurrent assignment creation for the same few mentors (each create locks the mentor to number its
/// sequence, so this is the contended path), then the coordinator's board (GET /api/v1/assignments) at 200,000
/// assignments: first pages and cursor pages, all statuses and open only, as a chapter's coordinator and as org admin.
/// </summary>
public sealed class AssignmentsScenario : IScenario
{
    public string Name => "assignments";
    public string Title => "Assignment creation and the board list (issue 4)";

    private const int CreateClients = 16;
    private const int SharedMentors = 8;

    private sealed record Pick(Guid Mentor, Guid Contact, Guid Coordinator);
    private sealed record Reader(string Label, string Key, Guid Person, string Query, int MaxPages);

    public async Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct)
    {
        var (db, org) = await ctx.SharedOrgAsync();
        var server = await ctx.StartServerAsync(db, new Dictionary<string, string?> { ["Notifications:DispatcherEnabled"] = "false" });
        var figures = new Dictionary<string, double>();

        // Creates: every client picks one of the same few active mentors (two chapters) at random.
        List<Pick> picks;
        await using (var conn = new NpgsqlConnection(db.Owner))
            picks = (await conn.QueryAsync<Pick>("""
                SELECT m.id AS mentor,
                       (SELECT id FROM contacts c WHERE c.chapter_id = mm.chapter_id ORDER BY id LIMIT 1) AS contact,
                       (SELECT person_id FROM chapter_memberships c WHERE c.chapter_id = mm.chapter_id AND c.role = 'coordinator'
                        ORDER BY person_id LIMIT 1) AS coordinator
                FROM peer_mentors m JOIN chapter_memberships mm ON mm.person_id = m.id AND mm.role = 'peer_mentor'
                WHERE m.status = 'active' AND mm.chapter_id = ANY(@chapters)
                ORDER BY m.id LIMIT @n
                """, new { chapters = org.Chapters.Take(2).Select(c => c.Id).ToArray(), n = SharedMentors })).ToList();
        using var http = server.As(Guid.Empty);
        var tokens = picks.Select(p => p.Coordinator).Distinct().ToDictionary(c => c, c => ctx.Token(c));
        var create = await Load.ClosedLoopAsync(CreateClients, ctx.MeasureFor(15), async (_, _, token) =>
        {
            var pick = picks[Random.Shared.Next(picks.Count)];
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/assignments")
            {
                Content = new StringContent($$"""{"peer_mentor_id":"{{pick.Mentor}}","contact_id":"{{pick.Contact}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", tokens[pick.Coordinator]);
            using var response = await http.SendAsync(request, token);
            await response.Content.LoadIntoBufferAsync(token);
            return (int)response.StatusCode == 201;
        }, ct, ctx.Warmup, ctx.Log, ctx.StartCpuMeter);
        if (create.Errors > 0) throw new InvalidOperationException($"{create.Errors} of {create.Operations} creates failed");
        await CheckSequencesAsync(db.Owner!, picks.Select(p => p.Mentor).ToArray());
        figures["assignment_create_per_s"] = create.PerSecond;
        figures["assignment_create_p99_ms"] = create.Latency.P99;
        ctx.Log.WriteLine($"  creates: {Results.N(create.PerSecond)}/s, p99 {Results.N(create.Latency.P99)} ms");

        // The board: one reader at a time, following the cursor for a few pages and starting again.
        var chapter = org.Chapters[^1];
        Reader[] readers =
        [
            new("coordinator, all statuses", "coordinator", chapter.Coordinators[0], "limit=50", 5),
            new("coordinator, open only", "coordinator_open", chapter.Coordinators[0], "limit=50&status=open", 5),
            new("org admin, all statuses", "admin", org.AdminId, "limit=50", 5),
            new("org admin, one chapter, open only", "admin_chapter_open", org.AdminId, $"limit=50&status=open&chapter_id={chapter.Id}", 5),
        ];
        var all = new Latency();
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { $"create, {CreateClients} clients, {picks.Count} mentors", Results.N(create.PerSecond), Results.N(create.Latency.P50),
                    Results.N(create.Latency.P95), Results.N(create.Latency.P99), Results.N(create.Cpu.ProcessMs), Results.N(create.Cpu.PostgresMs) },
        };
        foreach (var reader in readers)
        {
            using var client = server.As(reader.Person);
            var run = await Load.PagesAsync(ctx, client, $"/api/v1/assignments?{reader.Query}", reader.Label, reader.MaxPages, ctx.MeasureFor(8), ct);
            all.Add(run.Latency);
            figures[$"assignment_list_{reader.Key}_p99_ms"] = run.Latency.P99;
            rows.Add([$"board: {reader.Label}", Results.N(run.PerSecond), Results.N(run.Latency.P50), Results.N(run.Latency.P95),
                Results.N(run.Latency.P99), Results.N(run.Cpu.ProcessMs), Results.N(run.Cpu.PostgresMs)]);
            ctx.Log.WriteLine($"  {reader.Label}: p50 {Results.N(run.Latency.P50)} ms, p99 {Results.N(run.Latency.P99)} ms, " +
                              $"CPU ms/page process {Results.N(run.Cpu.ProcessMs)} pg {Results.N(run.Cpu.PostgresMs)}");
        }
        figures["assignment_list_p50_ms"] = all.P50;
        figures["assignment_list_p99_ms"] = all.P99;

        var spec = org.Spec;
        var markdown = $"""
            {spec.Assignments:N0} assignments of {spec.Mentors:N0} mentors in {spec.Chapters} chapters. Creates: {CreateClients} clients
            (the chapters' coordinators) create assignments for the same {picks.Count} mentors at random, so they queue on the
            mentor's row lock that numbers the sequence (checked gap-free afterwards); the notification dispatcher is off. Board: one
            client reads `GET /api/v1/assignments` pages of 50 (first page and four cursor pages, then again).
            Creates: **{Results.N(create.PerSecond)}/s**; board pages: p50 **{Results.N(all.P50)} ms**, p99 **{Results.N(all.P99)} ms**.

            {Results.Table(["what", "per s", "p50 ms", "p95 ms", "p99 ms", "bench process CPU ms/op", "PostgreSQL CPU ms/op"], rows)}
            {ctx.RunNote()}
            """;
        return new ScenarioResult(figures, markdown);
    }

    /// <summary>The point of the contended path: sequences 1..n per mentor, no gap, no repeat.</summary>
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
}
