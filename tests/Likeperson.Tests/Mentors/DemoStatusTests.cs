using Dapper;
using Likeperson.Demo;
using Likeperson.Mentors;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Mentors;

/// <summary>The demo organisation's paused mentors are consistent with their pause records and status log (as reconciliation will check).</summary>
public sealed class DemoStatusTests(TestServer server) : IClassFixture<TestServer>
{
    private static Guid Person(string name) => DemoData.People.Single(p => p.DisplayName == name).Id;

    [Fact]
    public async Task Demo_HasOverdueCertificationAndPendingMentors_AllConsistent()
    {
        Assert.True(await DemoData.EnsureAsync(server.Worker));
        Assert.False(await DemoData.EnsureAsync(server.Worker)); // loads once

        var admin = Person("Ingrid Berg");
        var roster = await (await server.As(admin).GetAsync("/api/v1/roster/paused")).ReadAsync<Page<RosterItem>>();
        var byName = roster.Items.ToDictionary(i => i.DisplayName);
        Assert.Equal(["Anne Larsen", "Jonas Berg", "Lars Johansen", "Sofie Kristiansen"], byName.Keys.Order());
        Assert.True(byName["Anne Larsen"].Overdue);
        Assert.Equal(PauseKind.Voluntary, byName["Anne Larsen"].Kind);
        Assert.False(byName["Lars Johansen"].Overdue);
        Assert.Equal(PauseKind.Coordinator, byName["Lars Johansen"].Kind);
        Assert.Equal((MentorStatus.Paused, PauseKind.CertificationExpired), (byName["Sofie Kristiansen"].Status, byName["Sofie Kristiansen"].Kind));
        Assert.Equal(MentorStatus.PendingReactivation, byName["Jonas Berg"].Status);

        await using var conn = await server.Worker.OpenConnectionAsync();
        foreach (var mentor in await conn.QueryAsync<Guid>("SELECT id FROM peer_mentors WHERE organization_id = @Organization", new { DemoData.Organization }))
            await server.Worker.AssertConsistentAsync(mentor);
        // The reconciliation job's own comparison finds nothing either.
        var run = await conn.ExecuteScalarAsync<Guid>(
            "INSERT INTO job_runs (job, organization_id, trigger) VALUES ('reconciliation', @Organization, 'manual') RETURNING id", new { DemoData.Organization });
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("SELECT discrepancies FROM jobs_reconcile(@Organization, @run, now())",
            new { DemoData.Organization, run }));
        // The coordinator of Bergen can acknowledge Jonas.
        var jonas = await (await server.As(Person("Ola Hansen")).TransitionAsync(Person("Jonas Berg"), "acknowledge")).ReadAsync<MentorResponse>();
        Assert.Equal(MentorStatus.Active, jonas.Status);
    }
}
