using System.Text.Json;
using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;

namespace Likeperson.Tests.Jobs;

/// <summary>reconciliation: planted disagreements are found and listed, never repaired, tracked until they go away.</summary>
public sealed class ReconciliationJobTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);

    private async Task<List<JsonElement>> ListAsync(Guid person, string query = "")
    {
        var page = await (await server.As(person).GetAsync($"/api/v1/jobs/discrepancies{query}")).ReadAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private async Task PlantAsync(Org org)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        // Mentor A: paused without any pause record or log entry (a direct write someone made).
        await conn.ExecuteAsync("UPDATE peer_mentors SET status = 'paused' WHERE id = @MentorA", org);
        // Mentor B: active, but a pause record was left live.
        await conn.ExecuteAsync("""
            INSERT INTO pause_records (mentor_id, organization_id, status, kind) VALUES (@MentorB, @Id, 'paused', 'coordinator')
            """, org);
    }

    [Fact]
    public async Task Run_PlantedDiscrepancies_RecordedAndListedButNotRepaired()
    {
        var org = await server.OrgAsync(_world);
        await PlantAsync(org);

        var run = await server.RunAsync(JobNames.Reconciliation, org.Id);
        Assert.Equal(JobStatus.Succeeded, run.Status);
        Assert.Equal((3, 3, 3), (run.Stats.GetProperty("mentors_checked").GetInt32(), run.Stats.GetProperty("discrepancies").GetInt32(),
            run.Stats.GetProperty("new_discrepancies").GetInt32()));

        var found = await ListAsync(org.Admin);
        Assert.Equal([(org.MentorA, "missing_live_pause"), (org.MentorA, "status_log_mismatch"), (org.MentorB, "unexpected_live_pause")],
            found.Select(d => (d.GetProperty("mentor_id").GetGuid(), d.GetProperty("kind").GetString()!))
                .OrderBy(d => d.Item1 == org.MentorA ? 0 : 1).ThenBy(d => d.Item2));
        Assert.All(found, d => Assert.Equal(run.RunId, d.GetProperty("run_id").GetGuid()));
        Assert.Equal("Mentor A", found.First(d => d.GetProperty("mentor_id").GetGuid() == org.MentorA).GetProperty("mentor_display_name").GetString());

        // Nothing was repaired.
        Assert.Equal("paused", (await server.Worker.StateAsync(org.MentorA)).Status);
        Assert.Empty(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal("paused", Assert.Single(await server.Worker.PausesAsync(org.MentorB)).Status);
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorB)).Status);

        // Coordinators see their chapters' mentors only; mentors see nothing.
        Assert.All(await ListAsync(org.CoordinatorA), d => Assert.Equal(org.MentorA, d.GetProperty("mentor_id").GetGuid()));
        Assert.Equal([org.MentorB], (await ListAsync(org.CoordinatorB)).Select(d => d.GetProperty("mentor_id").GetGuid()));
        await (await server.As(org.MentorA).GetAsync("/api/v1/jobs/discrepancies")).ProblemAsync(403, "forbidden");
        var other = await server.OrgAsync(_world);
        Assert.Empty(await ListAsync(other.Admin));
    }

    [Fact]
    public async Task Run_Again_SameDiscrepanciesSeenAgain_ThenResolvedWhenFixed()
    {
        var org = await server.OrgAsync(_world);
        await PlantAsync(org);
        await server.RunAsync(JobNames.Reconciliation, org.Id);
        var first = await ListAsync(org.Admin);

        server.Clock.Now = server.Clock.Now.AddDays(1);
        var again = await server.RunAsync(JobNames.Reconciliation, org.Id);
        Assert.Equal((3, 0, 0), (again.Stats.GetProperty("discrepancies").GetInt32(), again.Stats.GetProperty("new_discrepancies").GetInt32(),
            again.Stats.GetProperty("resolved_discrepancies").GetInt32()));
        var second = await ListAsync(org.Admin);
        Assert.Equal(first.Select(d => d.GetProperty("id").GetInt64()).Order(), second.Select(d => d.GetProperty("id").GetInt64()).Order());
        Assert.All(second, d => Assert.Equal(server.Clock.Now.UtcDateTime, d.GetProperty("last_seen_at").GetDateTime().ToUniversalTime()));

        // A person repairs mentor B (closes the stray record); the next run marks that discrepancy resolved.
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE pause_records SET status = 'active', ended_at = paused_at WHERE mentor_id = @MentorB", org);
        var third = await server.RunAsync(JobNames.Reconciliation, org.Id);
        Assert.Equal((2, 1), (third.Stats.GetProperty("discrepancies").GetInt32(), third.Stats.GetProperty("resolved_discrepancies").GetInt32()));
        Assert.Equal(2, (await ListAsync(org.Admin)).Count);
        var resolved = Assert.Single(await ListAsync(org.Admin, "?state=resolved"));
        Assert.Equal(("unexpected_live_pause", org.MentorB), (resolved.GetProperty("kind").GetString(), resolved.GetProperty("mentor_id").GetGuid()));
        Assert.Equal(3, (await ListAsync(org.Admin, "?state=all")).Count);
        Assert.Single(await ListAsync(org.Admin, $"?state=all&mentor_id={org.MentorB}"));
        await (await server.As(org.Admin).GetAsync("/api/v1/jobs/discrepancies?state=closed")).ProblemAsync(400, "malformed_request");
    }

    [Fact]
    public async Task Run_ConsistentHistories_FindNothing()
    {
        var org = await server.OrgAsync(_world);
        var now = server.Clock.Now;
        await SqlAs.PersonAsync(server.Database, org.CoordinatorA, c => c.ExecuteAsync(
            "SELECT mentor_pause(@MentorA, NULL, NULL, NULL, @now); SELECT mentor_reactivate(@MentorA, NULL, @now); SELECT mentor_pause(@MentorA2, 'x', NULL, NULL, @now)",
            new { org.MentorA, org.MentorA2, now }));
        var run = await server.RunAsync(JobNames.Reconciliation, org.Id);
        Assert.Equal(0, run.Stats.GetProperty("discrepancies").GetInt32());
        Assert.Empty(await ListAsync(org.Admin, "?state=all"));
    }
}
