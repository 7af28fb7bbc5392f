using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>certification-expiry through the real transition function: the pause, its event and its notification; once.</summary>
public sealed class CertificationExpiryJobTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);

    private async Task ExpireCertificationAsync(Guid mentor, DateOnly date)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = @date WHERE id = @mentor", new { mentor, date });
    }

    [Fact]
    public async Task Run_ExpiredActiveMentor_PausedWithEventAndCoordinatorNotification_Once()
    {
        server.Clock.Now = JobServer.NightlySlot.AddSeconds(10); // 10 December in Oslo
        var org = await server.OrgAsync(_world);
        await ExpireCertificationAsync(org.MentorA, new DateOnly(2026, 12, 9));  // expired yesterday
        await ExpireCertificationAsync(org.MentorA2, new DateOnly(2026, 12, 10)); // valid through today

        var run = await server.RunAsync(JobNames.CertificationExpiry, org.Id);
        Assert.Equal(JobStatus.Succeeded, run.Status);
        Assert.Equal((1, 1, 0), (run.Stats.GetProperty("eligible").GetInt32(), run.Stats.GetProperty("paused").GetInt32(),
            run.Stats.GetProperty("skipped").GetInt32()));

        Assert.Equal("paused", (await server.Worker.StateAsync(org.MentorA)).Status);
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA2)).Status);
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal(("expired_cert", "certification_expired", "certification_expired"), (pause.Status, pause.Kind, pause.PauseReason));
        var log = Assert.Single(await server.Worker.LogAsync(org.MentorA));
        Assert.Equal(("certification_expiry", (Guid?)null), (log.Transition, log.ActorId));
        var ev = Assert.Single(await server.Worker.EventsAsync(org.MentorA));
        Assert.Equal(("active", "paused"), (ev.Payload.GetProperty("previous_status").GetString(), ev.Payload.GetProperty("new_status").GetString()));

        List<NotificationRow> told = [];
        await Eventually.TrueAsync(async () => (told = await server.NotificationsAsync(org.Id, "certification_expiry_auto_pause")).Count > 0,
            "the certification_expiry_auto_pause notification");
        Assert.Equal([org.CoordinatorA], told.Select(n => n.RecipientId!.Value).Distinct());
        Assert.Equal("Certification Expired – Mentor A auto-paused", told[0].Title);

        var again = await server.RunAsync(JobNames.CertificationExpiry, org.Id);
        Assert.Equal((0, 0), (again.Stats.GetProperty("eligible").GetInt32(), again.Stats.GetProperty("paused").GetInt32()));
        Assert.Single(await server.Worker.LogAsync(org.MentorA));
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task Run_PendingReactivationAndAlreadyPausedMentors_OnlyTheEligibleOnePaused()
    {
        server.Clock.Now = JobServer.NightlySlot.AddSeconds(10);
        var org = await server.OrgAsync(_world);
        var now = server.Clock.Now;
        await SqlAs.PersonAsync(server.Database, org.MentorA, c => c.ExecuteAsync(
            "SELECT mentor_pause(@MentorA, NULL, NULL, NULL, @now); SELECT mentor_reactivate(@MentorA, NULL, @now);", new { org.MentorA, now }));
        await SqlAs.PersonAsync(server.Database, org.CoordinatorB, c => c.ExecuteAsync(
            "SELECT mentor_pause(@MentorB, 'Holiday', NULL, NULL, @now)", new { org.MentorB, now }));
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE organizations SET require_reactivation_ack = true WHERE id = @Id", org);
        await SqlAs.PersonAsync(server.Database, org.MentorA2, c => c.ExecuteAsync(
            "SELECT mentor_pause(@MentorA2, NULL, NULL, NULL, @now); SELECT mentor_reactivate(@MentorA2, NULL, @now);", new { org.MentorA2, now }));
        Assert.Equal("pending_reactivation", (await server.Worker.StateAsync(org.MentorA2)).Status);
        foreach (var m in new[] { org.MentorA, org.MentorA2, org.MentorB })
            await ExpireCertificationAsync(m, new DateOnly(2026, 11, 30));

        var run = await server.RunAsync(JobNames.CertificationExpiry, org.Id);
        Assert.Equal((2, 2), (run.Stats.GetProperty("eligible").GetInt32(), run.Stats.GetProperty("paused").GetInt32()));
        Assert.Equal("paused", (await server.Worker.StateAsync(org.MentorA2)).Status);
        Assert.Equal(["active", "expired_cert"], (await server.Worker.PausesAsync(org.MentorA2)).Select(p => p.Status).Order());
        Assert.Equal("paused", (await server.Worker.PausesAsync(org.MentorB)).Single().Status); // their own pause, untouched
        foreach (var m in new[] { org.MentorA, org.MentorA2, org.MentorB })
            await server.Worker.AssertConsistentAsync(m);
    }
}
