using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Likeperson.Tests.Jobs;

/// <summary>/readyz stays 200 but says `degraded` when a job failed, a slot had no run, or expired certifications stay active.</summary>
public sealed class JobMonitoringTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);

    private async Task<List<string>> ProblemsOfAsync(Guid org) =>
        (await server.ReadyProblemsAsync()).Where(p => p.Contains(org.ToString())).ToList();

    [Fact]
    public async Task FailingJob_RecordedLoggedAndReported_UntilARunSucceeds()
    {
        server.Clock.Now = JobServer.NightlySlot.AddSeconds(10);
        var org = await server.OrgAsync(_world);
        await server.OwnerAsync("ALTER FUNCTION jobs_reconcile(uuid, uuid, timestamptz) RENAME TO jobs_reconcile_away");
        try
        {
            await server.Scheduler.TickAsync();
        }
        finally
        {
            await server.OwnerAsync("ALTER FUNCTION jobs_reconcile_away(uuid, uuid, timestamptz) RENAME TO jobs_reconcile");
        }
        var failed = (await server.RunsOfAsync(org.Id)).Single(r => r.Job == JobNames.Reconciliation);
        Assert.Equal((JobStatus.Failed, JobTrigger.Scheduled), (failed.Status, failed.Trigger));
        Assert.Contains("jobs_reconcile", failed.Error);
        Assert.NotNull(failed.FinishedAt);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Job reconciliation failed")
                                                  && e.Message.Contains(org.Id.ToString()));

        var ready = await server.ReadyAsync();
        Assert.Equal("degraded", ready.GetProperty("status").GetString());
        // Anyone may see that it is degraded; which organisation and why only a system admin (ReadyAsync's caller).
        Assert.Equal("""{"status":"degraded"}""", await (await server.Anonymous().GetAsync("/readyz")).Content.ReadAsStringAsync());
        var problem = Assert.Single(await ProblemsOfAsync(org.Id));
        Assert.Contains($"job reconciliation for organisation {org.Id}: the last run ({failed.RunId}) failed", problem);

        // Recovery: run it by hand (here through the API as the org admin).
        var rerun = await (await server.As(org.Admin).PostAsync("/api/v1/jobs/reconciliation/run", null)).ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal("succeeded", rerun.GetProperty("status").GetString());
        Assert.Empty(await ProblemsOfAsync(org.Id));
    }

    [Fact]
    public async Task MissedSlot_ReportedAfterTheGrace_UntilItRuns()
    {
        var org = await server.OrgAsync(_world);
        server.Clock.Now = JobServer.NightlySlot.AddMinutes(10); // within Jobs:Schedule:MissedAfter (15 minutes)
        Assert.DoesNotContain(await ProblemsOfAsync(org.Id), p => p.StartsWith("job certification-expiry") && p.Contains("has no run"));

        server.Clock.Now = JobServer.NightlySlot.AddMinutes(20);
        var missed = await ProblemsOfAsync(org.Id);
        Assert.Contains($"job certification-expiry for organisation {org.Id}: the slot of 2026-12-10T01:00:00Z has no run", missed);
        Assert.Contains(missed, p => p.StartsWith("job reconciliation") && p.EndsWith("has no run"));
        Assert.Equal("degraded", (await server.ReadyAsync()).GetProperty("status").GetString());

        await server.Scheduler.TickAsync(); // what an instance does at start-up
        Assert.DoesNotContain(await ProblemsOfAsync(org.Id), p => p.Contains("has no run"));
    }

    [Fact]
    public async Task ExpiredCertificationStillActive_ReportedFrom30MinutesAfterTheNightlySlot()
    {
        var org = await server.OrgAsync(_world);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = '2026-12-01' WHERE id = @MentorB", org);
        await server.RunAsync(JobNames.Reconciliation, org.Id); // the nightly run is not the point here: cover the slots
        foreach (var job in new[] { JobNames.FollowUpReminders, JobNames.PauseDigest })
            await server.RunAsync(job, org.Id);

        server.Clock.Now = JobServer.NightlySlot.AddMinutes(29);
        Assert.DoesNotContain(await ProblemsOfAsync(org.Id), p => p.Contains("expired certification"));
        server.Clock.Now = JobServer.NightlySlot.AddMinutes(31);
        Assert.Contains($"organisation {org.Id}: 1 mentor(s) with an expired certification are still active after the nightly run",
            await ProblemsOfAsync(org.Id));

        var run = await server.RunAsync(JobNames.CertificationExpiry, org.Id);
        Assert.Equal(JobStatus.Succeeded, run.Status);
        Assert.Empty(await ProblemsOfAsync(org.Id));
    }

    [Fact]
    public async Task StuckRun_ReportedAfterStuckAfter()
    {
        var org = await server.OrgAsync(_world);
        server.Clock.Now = JobServer.NightlySlot.AddSeconds(10);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO job_runs (job, organization_id, slot, trigger, started_at) VALUES ('follow-up-reminders', @Id, @slot, 'scheduled', @slot)
                """, new { org.Id, slot = JobServer.NightlySlot });
        await server.Scheduler.TickAsync();
        Assert.DoesNotContain(await ProblemsOfAsync(org.Id), p => p.Contains("running since"));
        server.Clock.Now = JobServer.NightlySlot.AddHours(3);
        Assert.Contains(await ProblemsOfAsync(org.Id), p => p.StartsWith($"job follow-up-reminders for organisation {org.Id}: run") && p.Contains("running since"));
    }

    [Fact]
    public async Task ExpiredCertificationStillActive_NewOrganisation_NotReportedBeforeItsFirstNightlySlot()
    {
        server.Clock.Now = JobServer.NightlySlot.AddHours(3);
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                UPDATE organizations SET created_at = @created WHERE id = @Id;
                UPDATE peer_mentors SET certification_expires_at = '2026-12-01' WHERE id = @MentorA;
                """, new { org.Id, org.MentorA, created = JobServer.NightlySlot.AddHours(1) });
        Assert.Empty(await ProblemsOfAsync(org.Id));
        server.Clock.Now = JobServer.NightlySlot.AddDays(1).AddMinutes(31);
        Assert.Contains(await ProblemsOfAsync(org.Id), p => p.Contains("expired certification"));
    }
}
