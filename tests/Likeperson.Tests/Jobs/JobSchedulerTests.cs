using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>The scheduler with a controlled clock: slots, exactly once across instances, catch-up at start-up.</summary>
public sealed class JobSchedulerTests(JobServer server) : IClassFixture<JobServer>
{
    private static readonly string[] OrgJobs =
        [JobNames.CertificationExpiry, JobNames.FollowUpReminders, JobNames.PauseDigest, JobNames.Reconciliation];
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task Tick_TwoInstancesRacingForTheSlots_EachSlotRunsExactlyOnce()
    {
        server.Clock.Now = JobServer.NightlySlot.AddSeconds(10);
        var org = await server.OrgAsync(_world);
        var other = await server.StartAsync();
        try
        {
            var a = server.Scheduler;
            var b = other.Services.GetRequiredService<JobScheduler>();
            for (var round = 0; round < 3; round++)
                await Task.WhenAll(a.TickAsync(), b.TickAsync(), a.TickAsync(), b.TickAsync());
        }
        finally { await other.DisposeAsync(); }

        var runs = await server.RunsOfAsync(org.Id);
        Assert.Equal(OrgJobs, runs.Select(r => r.Job).Order());
        Assert.All(runs, r => Assert.NotEqual(JobStatus.Running, r.Status));
        var nightly = runs.Single(r => r.Job == JobNames.Reconciliation);
        Assert.Equal((JobServer.NightlySlot.UtcDateTime, JobTrigger.Scheduled, JobStatus.Succeeded), (nightly.Slot, nightly.Trigger, nightly.Status));
        // The digest's latest slot is the day before at 08:00 Oslo: long past, so it is a catch-up.
        var digest = runs.Single(r => r.Job == JobNames.PauseDigest);
        Assert.Equal((new DateTime(2026, 12, 9, 7, 0, 0, DateTimeKind.Utc), JobTrigger.CatchUp), (digest.Slot, digest.Trigger));
        var retention = (await server.RunsOfAsync(null)).Where(r => r.Slot == new DateTime(2026, 12, 10, 2, 0, 0, DateTimeKind.Utc) - TimeSpan.FromDays(1));
        Assert.Single(retention); // global job, UTC 02:00: one run for the whole database
    }

    [Fact]
    public async Task Tick_SlotAlreadyRun_NothingUntilTheNextSlot()
    {
        server.Clock.Now = JobServer.NightlySlot.AddSeconds(10);
        var org = await server.OrgAsync(_world);
        await server.Scheduler.TickAsync();
        var first = await server.RunsOfAsync(org.Id);

        server.Clock.Now = JobServer.NightlySlot.AddHours(5);
        await server.Scheduler.TickAsync();
        Assert.Equal(first.Count, (await server.RunsOfAsync(org.Id)).Count);

        server.Clock.Now = JobServer.NightlySlot.AddDays(1).AddSeconds(5);
        await server.Scheduler.TickAsync();
        var next = (await server.RunsOfAsync(org.Id)).Where(r => first.All(f => f.RunId != r.RunId)).ToList();
        Assert.Equal(OrgJobs, next.Select(r => r.Job).Order());
        Assert.All(next.Where(r => r.Job != JobNames.PauseDigest),
            r => Assert.Equal((JobServer.NightlySlot.AddDays(1).UtcDateTime, JobTrigger.Scheduled), (r.Slot, r.Trigger)));
        Assert.Equal(new DateTime(2026, 12, 10, 7, 0, 0, DateTimeKind.Utc), next.Single(r => r.Job == JobNames.PauseDigest).Slot); // 08:00 Oslo
    }

    [Fact]
    public async Task StartUp_SlotsMissedWhileNoInstanceWasUp_RunOnceAsCatchUp()
    {
        server.Clock.Now = JobServer.NightlySlot.AddDays(3).AddHours(4); // three nights nobody ran; only the latest counts
        var org = await server.OrgAsync(_world);
        var instance = await server.StartAsync(new Dictionary<string, string?>
        {
            ["Jobs:Schedule:Enabled"] = "true", ["Jobs:Schedule:PollInterval"] = "00:00:00.100",
        });
        try
        {
            await Eventually.TrueAsync(async () => (await server.RunsOfAsync(org.Id)).Count(r => r.Status != JobStatus.Running) == 4,
                "the four jobs of the organisation to be caught up");
            await Task.Delay(500); // several more ticks of the running scheduler
        }
        finally { await instance.DisposeAsync(); }

        var runs = await server.RunsOfAsync(org.Id);
        Assert.Equal(OrgJobs, runs.Select(r => r.Job).Order());
        Assert.All(runs, r => Assert.Equal(JobTrigger.CatchUp, r.Trigger));
        Assert.Equal(JobServer.NightlySlot.AddDays(3).UtcDateTime, runs.Single(r => r.Job == JobNames.Reconciliation).Slot);
    }

    [Fact]
    public async Task Tick_OrganisationCreatedAfterTheSlot_WaitsForTheNextSlot()
    {
        server.Clock.Now = JobServer.NightlySlot.AddSeconds(10);
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(conn, "UPDATE organizations SET created_at = @at WHERE id = @id",
                new { at = JobServer.NightlySlot.AddSeconds(5), id = org.Id });
        await server.Scheduler.TickAsync();
        Assert.Empty(await server.RunsOfAsync(org.Id));
    }

    [Fact]
    public async Task StartUp_TwoInstancesWithSchedulersStartingTogether_CatchUpOnce()
    {
        server.Clock.Now = JobServer.NightlySlot.AddDays(5).AddHours(1);
        var org = await server.OrgAsync(_world);
        var on = new Dictionary<string, string?> { ["Jobs:Schedule:Enabled"] = "true", ["Jobs:Schedule:PollInterval"] = "00:00:00.050" };
        var instances = await Task.WhenAll(server.StartAsync(on), server.StartAsync(on));
        try
        {
            await Eventually.TrueAsync(async () => (await server.RunsOfAsync(org.Id)).Count(r => r.Status != JobStatus.Running) == 4,
                "the four jobs to be caught up by one of the instances");
            await Task.Delay(500);
        }
        finally
        {
            foreach (var instance in instances) await instance.DisposeAsync();
        }
        var runs = await server.RunsOfAsync(org.Id);
        Assert.Equal(OrgJobs, runs.Select(r => r.Job).Order());
        Assert.All(runs, r => Assert.Equal(JobStatus.Succeeded, r.Status));
    }
}
