using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>Outbox rows become the right notifications for the right people, with the contract's wording and data.</summary>
public sealed class DispatchTests(PushServer server) : IClassFixture<PushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private async Task DeviceAsync(Guid person, string token) =>
        await (await server.As(person).PostJsonAsync("/api/v1/me/devices", new { token, platform = "android" })).ReadAsync<object>(201);

    [Fact]
    public async Task Dispatch_MentorPausesThemself_CoordinatorToldOnBothChannelsAndMentorConfirmed()
    {
        var org = await _world.StandardOrgAsync();
        await DeviceAsync(org.CoordinatorA, $"coord-{Guid.NewGuid()}");
        await DeviceAsync(org.MentorA, $"mentor-{Guid.NewGuid()}");
        var pause = await _outbox.PauseRecordAsync(org.Id, org.MentorA, reason: "Family matters");
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA, pause,
            reason: "Family matters", kind: "voluntary", expectedReturnDate: "2030-01-15");

        var rows = await _outbox.SettledAsync(id);

        Assert.Equal(["mentor_paused/in_app/sent", "mentor_paused/push/sent", "pause_confirmation/in_app/sent", "pause_confirmation/push/sent"],
            rows.Select(r => $"{r.Type}/{r.Channel}/{r.Status}").Order());
        Assert.All(rows.Where(r => r.Type == "mentor_paused"), r => Assert.Equal(org.CoordinatorA, r.RecipientId));
        Assert.All(rows.Where(r => r.Type == "pause_confirmation"), r => Assert.Equal(org.MentorA, r.RecipientId));
        Assert.All(rows, r => Assert.Equal(pause, r.PauseId));
        var inApp = rows.Single(r => r.Type == "mentor_paused" && r.Channel == "in_app");
        var push = rows.Single(r => r.Type == "mentor_paused" && r.Channel == "push");
        Assert.Equal("Peer Mentor Paused", inApp.Title);
        Assert.Contains("Mentor A paused their mentoring on", inApp.Body);
        Assert.Contains("Expected back 15 January 2030", inApp.Body);
        Assert.Contains("Reason: Family matters", inApp.Body);
        Assert.DoesNotContain("Family matters", push.Body);
        Assert.Equal("Family matters", inApp.DataJson["reason"]!.GetValue<string>());
        Assert.False(push.DataJson.ContainsKey("reason"));
        Assert.Equal($"/mentors/{org.MentorA}", inApp.DataJson["deep_link"]!.GetValue<string>());
        Assert.Equal(["actor_id", "deep_link", "mentor_display_name", "mentor_id", "new_status", "pause_id", "previous_status", "reason", "timestamp_utc"],
            inApp.DataJson.Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Dispatch_NoCoordinator_OrgAdminsToldAndAbsenceLogged()
    {
        var org = await _world.OrganizationAsync();
        var chapter = await _world.ChapterAsync(org);
        var admin = await _world.PersonAsync(org, "Admin", orgAdmin: true);
        var mentor = await _world.PersonAsync(org, "Lonely Mentor", mentorIn: [chapter]);

        var id = await _outbox.StatusChangedAsync(org, mentor, "deactivate", "active", "inactive", admin, reason: "Moved away",
            displayName: "Lonely Mentor");
        var rows = await _outbox.SettledAsync(id);

        Assert.All(rows, r => Assert.Equal(admin, r.RecipientId));
        Assert.Equal(["mentor_deactivated/in_app", "mentor_deactivated/push"], rows.Select(r => $"{r.Type}/{r.Channel}").Order());
        Assert.Equal("Peer Mentor Deactivated", rows[0].Title);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("No coordinator") && Equals(e.State["MentorId"], mentor));
    }

    [Fact]
    public async Task Dispatch_NobodyToTell_OneUndeliverableRowRecordsTheMentor()
    {
        var org = await _world.OrganizationAsync();
        var chapter = await _world.ChapterAsync(org);
        var mentor = await _world.PersonAsync(org, "Mentor Alone", mentorIn: [chapter]);
        var pause = await _outbox.PauseRecordAsync(org, mentor, kind: "certification_expired", reason: "certification_expired");

        var id = await _outbox.StatusChangedAsync(org, mentor, "certification_expiry", "active", "paused", null, pause,
            reason: "certification_expired", kind: "certification_expired", displayName: "Mentor Alone");
        var rows = await _outbox.SettledAsync(id);

        var row = Assert.Single(rows);
        Assert.Equal(("undeliverable", null, mentor), (row.Status, row.RecipientId, row.MentorId));
        Assert.Equal("certification_expiry_auto_pause", row.Type);
        Assert.Contains("No coordinator or org admin", row.Error);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("undeliverable") && Equals(e.State["MentorId"], mentor));
    }

    [Fact]
    public async Task Dispatch_CertificationExpiry_TitleNamesMentorAndBodySaysAutomatic()
    {
        var org = await _world.StandardOrgAsync();
        var pause = await _outbox.PauseRecordAsync(org.Id, org.MentorA, kind: "certification_expired", reason: "certification_expired");
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "certification_expiry", "active", "paused", null, pause,
            reason: "certification_expired", kind: "certification_expired");

        var rows = await _outbox.SettledAsync(id);

        Assert.All(rows, r => Assert.Equal(org.CoordinatorA, r.RecipientId)); // the system acted: no confirmation to the mentor
        var row = rows.Single(r => r.Channel == "in_app");
        Assert.Equal("Certification Expired – Mentor A auto-paused", row.Title);
        Assert.Contains("paused automatically", row.Body);
        Assert.Contains("not a voluntary one", row.Body);
        Assert.Null(row.DataJson["actor_id"]);
    }

    [Fact]
    public async Task Dispatch_ReactivationNeedingAcknowledgement_PendingThenReactivatedWithPauseLength()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        var pause = await _outbox.PauseRecordAsync(org.Id, org.MentorA, daysAgo: 5);
        // As mentor_transition writes them: the live pause's length so far in prior_pause_days (the dispatcher reads no second copy).
        var asked = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "reactivate", "paused", "pending_reactivation", org.MentorA, pause,
            priorPauseDays: 5);
        var acked = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "acknowledge", "pending_reactivation", "active", org.CoordinatorA, pause,
            priorPauseDays: 5);

        var pending = (await _outbox.SettledAsync(asked)).Where(r => r.Channel == "in_app").ToList();
        var active = (await _outbox.SettledAsync(acked)).Where(r => r.Channel == "in_app").ToList();

        var ask = pending.Single(r => r.RecipientId == org.CoordinatorA);
        Assert.Equal(("reactivation_pending_ack", "Reactivation Pending Acknowledgement"), (ask.Type, ask.Title));
        Assert.Equal(("reactivation_confirmation", "Reactivation Requested"),
            pending.Where(r => r.RecipientId == org.MentorA).Select(r => (r.Type, r.Title)).Single());
        var back = active.Single(r => r.RecipientId == org.CoordinatorA);
        Assert.Equal(("mentor_reactivated", "Peer Mentor Reactivated"), (back.Type, back.Title));
        Assert.Contains("after a pause of 5 days", back.Body);
        Assert.Equal("reactivation_confirmation", active.Single(r => r.RecipientId == org.MentorA).Type);
    }

    [Fact]
    public async Task Dispatch_Reactivation_BodyGivesPriorPauseDaysFromTheTransition()
    {
        var org = await _world.StandardOrgAsync();
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "reactivate", "paused", "active", org.CoordinatorA, priorPauseDays: 12);

        var rows = await _outbox.SettledAsync(id);

        var row = Assert.Single(rows, r => r.Channel == "in_app"); // a coordinator acted: the mentor gets no confirmation
        Assert.Equal("Peer Mentor Reactivated", row.Title);
        Assert.Contains("Mentor A is active again from", row.Body);
        Assert.Contains("after a pause of 12 days", row.Body);
    }

    [Fact]
    public async Task Dispatch_Hold_CoordinatorsToldPausedAndMentorToldOnHold()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        var pause = await _outbox.PauseRecordAsync(org.Id, org.MentorA);
        var id = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "hold", "pending_reactivation", "paused", org.CoordinatorA, pause,
            reason: "Talk first");

        var rows = (await _outbox.SettledAsync(id)).Where(r => r.Channel == "in_app").ToList();

        Assert.Equal(("mentor_paused", "Peer Mentor Paused"), rows.Where(r => r.RecipientId == org.CoordinatorA).Select(r => (r.Type, r.Title)).Single());
        var mentor = rows.Single(r => r.RecipientId == org.MentorA);
        Assert.Equal(("pause_confirmation", "Reactivation On Hold"), (mentor.Type, mentor.Title));
        Assert.Contains("Reason: Talk first", mentor.Body);
    }

    [Fact]
    public async Task Dispatch_AssignmentKinds_ReachTheirRecipients()
    {
        var org = await _world.StandardOrgAsync();
        var assignment = Guid.NewGuid();
        var common = new System.Text.Json.Nodes.JsonObject
        {
            ["assignment_id"] = assignment.ToString(), ["mentor_id"] = org.MentorA.ToString(), ["mentor_display_name"] = "Mentor A",
            ["chapter_id"] = org.ChapterB.ToString(), ["occurred_at"] = DateTime.UtcNow.ToString("O"),
        };
        var honorarium = (System.Text.Json.Nodes.JsonObject)common.DeepClone();
        honorarium["threshold"] = 3; honorarium["sequence"] = 3; honorarium["actor_id"] = org.CoordinatorA.ToString();
        var reminder = (System.Text.Json.Nodes.JsonObject)common.DeepClone();
        reminder["days_since_contact"] = 11; reminder["basis"] = DateTime.UtcNow.AddDays(-11).ToString("O");
        var escalation = (System.Text.Json.Nodes.JsonObject)reminder.DeepClone();
        escalation["days_since_contact"] = 21;

        var h = await _outbox.EnqueueAsync(org.Id, "honorarium_threshold_reached", honorarium);
        var r = await _outbox.EnqueueAsync(org.Id, "follow_up_reminder", reminder);
        var e = await _outbox.EnqueueAsync(org.Id, "follow_up_escalation", escalation);

        var toCoordinator = (await _outbox.SettledAsync(h)).Single(x => x.Channel == "in_app");
        Assert.Equal((org.CoordinatorA, "Honorarium Threshold Reached"), (toCoordinator.RecipientId!.Value, toCoordinator.Title));
        var toMentor = (await _outbox.SettledAsync(r)).Single(x => x.Channel == "in_app");
        Assert.Equal((org.MentorA, "follow_up_reminder"), (toMentor.RecipientId!.Value, toMentor.Type));
        Assert.Contains("11 days", toMentor.Body);
        Assert.Equal($"/assignments/{assignment}", toMentor.DataJson["deep_link"]!.GetValue<string>());
        var escalated = (await _outbox.SettledAsync(e)).Single(x => x.Channel == "in_app");
        Assert.Equal((org.CoordinatorB, "follow_up_escalation"), (escalated.RecipientId!.Value, escalated.Type)); // the assignment's chapter
    }

    [Fact]
    public async Task EndToEnd_AssignmentReachesHonorariumThreshold_CoordinatorNotified()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [1]);
        var device = $"honorarium-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, device);

        var created = await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/assignments",
            new { peer_mentor_id = org.MentorA, contact_id = org.ContactA });
        var assignment = (await created.ReadAsync<System.Text.Json.JsonElement>(201)).GetProperty("id").GetGuid();

        await Eventually.TrueAsync(async () => server.Fcm.SendsTo(device).Count == 1, "the honorarium push");
        var send = server.Fcm.SendsTo(device)[0];
        Assert.Equal("Honorarium Threshold Reached", send.Message.GetProperty("notification").GetProperty("title").GetString());
        Assert.Equal((assignment.ToString(), "honorarium_threshold_reached"), (send.Data["assignment_id"], send.Data["type"]));
        Assert.DoesNotContain("Contact A", send.Body.GetRawText());
    }
}
