using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>pause-digest: one digest per recipient with held items, naming and counting them; the items marked sent; nothing when empty.</summary>
public sealed class PauseDigestJobTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private async Task DigestModeAsync(Guid person, Guid org, string type = "mentor_paused")
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("INSERT INTO notification_preferences (person_id, organization_id, type, mode) VALUES (@person, @org, @type, 'digest')",
            new { person, org, type });
    }

    private async Task<List<NotificationRow>> HeldAsync(Guid recipient)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<NotificationRow>($"SELECT {NotificationRow.Columns} FROM notifications WHERE recipient_id = @recipient AND type <> 'pause_digest'",
            new { recipient })).ToList();
    }

    [Fact]
    public async Task Run_HeldItems_OneDigestNamingAndCountingThem_ItemsMarkedSent_Once()
    {
        var org = await server.OrgAsync(_world);
        await DigestModeAsync(org.CoordinatorA, org.Id);
        await DigestModeAsync(org.CoordinatorA, org.Id, "mentor_reactivated");
        var paused = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA, displayName: "Mentor A");
        var paused2 = await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "pause", "active", "paused", org.CoordinatorA, kind: "coordinator",
            displayName: "Mentor A2");
        var back = await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "reactivate", "paused", "active", org.CoordinatorA, displayName: "Mentor A2");
        foreach (var id in new[] { paused, paused2, back }) await _outbox.SettledAsync(id);
        var held = await HeldAsync(org.CoordinatorA);
        Assert.Equal(3, held.Count);
        Assert.All(held, h => Assert.Equal("held", h.Status));

        server.Clock.Now = JobServer.NightlySlot.AddHours(7); // the digest hour, 08:00 in Oslo
        var run = await server.RunAsync(JobNames.PauseDigest, org.Id);
        Assert.True(run.Status == JobStatus.Succeeded, run.Error);
        Assert.Equal((1, 1, 3), (run.Stats.GetProperty("recipients").GetInt32(), run.Stats.GetProperty("digests").GetInt32(),
            run.Stats.GetProperty("held_items").GetInt32()));

        var digest = Assert.Single(await server.NotificationsAsync(org.Id, "pause_digest"));
        Assert.Equal((org.CoordinatorA, "in_app", "sent"), (digest.RecipientId!.Value, digest.Channel, digest.Status));
        Assert.Equal("Daily Summary: 3 peer-mentor updates", digest.Title);
        Assert.Contains("Mentor A (paused)", digest.Body);
        Assert.Contains("Mentor A2 (paused, reactivated)", digest.Body);
        Assert.Equal(3, digest.DataJson["count"]!.GetValue<int>());
        Assert.Equal("/roster/paused", digest.DataJson["deep_link"]!.GetValue<string>());
        Assert.Equal(["Mentor A", "Mentor A2"], digest.DataJson["mentor_names"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.All(await HeldAsync(org.CoordinatorA), h => Assert.Equal("sent", h.Status));
        await using (var conn = await server.Worker.OpenConnectionAsync())
            Assert.Equal(3, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM notifications WHERE digest_id = @Id", digest));

        // In the centre: the digest, not the items it carries.
        var inbox = await (await server.As(org.CoordinatorA).GetAsync("/api/v1/notifications")).ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal(["pause_digest"], inbox.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()));

        var again = await server.RunAsync(JobNames.PauseDigest, org.Id);
        Assert.Equal(0, again.Stats.GetProperty("digests").GetInt32());
        Assert.Single(await server.NotificationsAsync(org.Id, "pause_digest"));
    }

    [Fact]
    public async Task Run_MentorsOwnWarningsHeld_DigestLinksToTheirOwnPage()
    {
        var org = await server.OrgAsync(_world);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO notifications (organization_id, recipient_id, type, channel, status, title, body, mentor_id, idempotency_key)
                VALUES (@Id, @MentorA, 'certification_expiring', 'in_app', 'held', 'Expires soon', 'Your certification expires', @MentorA, gen_random_uuid()::text),
                       (@Id, @MentorA, 'return_date_passed', 'in_app', 'held', 'Return date', 'Your return date passed', @MentorA, gen_random_uuid()::text)
                """, new { org.Id, org.MentorA });

        server.Clock.Now = JobServer.NightlySlot.AddHours(7);
        var run = await server.RunAsync(JobNames.PauseDigest, org.Id);

        Assert.True(run.Status == JobStatus.Succeeded, run.Error);
        var digest = Assert.Single(await server.NotificationsAsync(org.Id, "pause_digest"));
        Assert.Equal(org.MentorA, digest.RecipientId);
        Assert.Equal("/my", digest.DataJson["deep_link"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_NothingHeld_NoDigestForAnyone()
    {
        var org = await server.OrgAsync(_world);
        var immediate = await _outbox.StatusChangedAsync(org.Id, org.MentorB, "pause", "active", "paused", org.MentorB, displayName: "Mentor B");
        await _outbox.SettledAsync(immediate); // coordinators told at once: nothing held

        var run = await server.RunAsync(JobNames.PauseDigest, org.Id);
        Assert.Equal((0, 0), (run.Stats.GetProperty("recipients").GetInt32(), run.Stats.GetProperty("digests").GetInt32()));
        Assert.Empty(await server.NotificationsAsync(org.Id, "pause_digest"));
    }

    [Fact]
    public async Task Run_TwoRecipientsWithHeldItems_EachGetsTheirOwnDigest()
    {
        var org = await server.OrgAsync(_world);
        await DigestModeAsync(org.CoordinatorA, org.Id);
        await DigestModeAsync(org.CoordinatorB, org.Id);
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA, displayName: "Mentor A"));
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorB, "pause", "active", "paused", org.MentorB, displayName: "Mentor B"));

        await server.RunAsync(JobNames.PauseDigest, org.Id);
        var digests = await server.NotificationsAsync(org.Id, "pause_digest");
        Assert.Equal(new[] { org.CoordinatorA, org.CoordinatorB }.Order(), digests.Select(d => d.RecipientId!.Value).Order());
        Assert.Contains("Mentor A (paused)", digests.Single(d => d.RecipientId == org.CoordinatorA).Body);
        Assert.DoesNotContain("Mentor B", digests.Single(d => d.RecipientId == org.CoordinatorA).Body);
        Assert.Equal("Daily Summary: 1 peer-mentor update", digests[0].Title);
    }
}
