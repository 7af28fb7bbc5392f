using System.Text.Json;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Jobs;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>follow-up-reminders: thresholds (10 and 20 days by default), once per crossing, reset by an activity, dispatched.</summary>
public sealed class FollowUpRemindersJobTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);
    private DateTimeOffset Now => server.Clock.Now;

    private async Task<JsonElement> RunAsync(Guid org)
    {
        var run = await server.RunAsync(JobNames.FollowUpReminders, org);
        Assert.Equal(JobStatus.Succeeded, run.Status);
        return run.Stats;
    }

    [Fact]
    public async Task Run_PastTheReminderThreshold_RemindsTheMentorOnce()
    {
        server.Clock.Now = JobServer.NightlySlot;
        var org = await server.OrgAsync(_world);
        var due = await server.AssignmentAsync(org, org.MentorA, org.ContactA, Now.AddDays(-11));
        await server.AssignmentAsync(org, org.MentorA2, org.ContactA, Now.AddDays(-9));                      // not yet
        await server.AssignmentAsync(org, org.MentorB, org.ContactB, Now.AddDays(-40), status: "completed"); // closed

        var stats = await RunAsync(org.Id);
        Assert.Equal((1, 1, 0), (stats.GetProperty("assignments_due").GetInt32(), stats.GetProperty("reminders").GetInt32(),
            stats.GetProperty("escalations").GetInt32()));
        var (kind, payload) = Assert.Single(await server.OutboxAsync(org.Id));
        Assert.Equal("follow_up_reminder", kind);
        Assert.Equal(["assignment_id", "chapter_id", "days_since_contact", "mentor_display_name", "mentor_id", "occurred_at"],
            payload.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Mentor A", payload.GetProperty("mentor_display_name").GetString()); // the dispatcher names the mentor from it
        Assert.Equal((org.MentorA, due, org.ChapterA, 11), (payload.GetProperty("mentor_id").GetGuid(), payload.GetProperty("assignment_id").GetGuid(),
            payload.GetProperty("chapter_id").GetGuid(), payload.GetProperty("days_since_contact").GetInt32()));
        Assert.Equal(Now.UtcDateTime, payload.GetProperty("occurred_at").GetDateTime().ToUniversalTime());

        server.Clock.Now = Now.AddDays(1);
        Assert.Equal(0, (await RunAsync(org.Id)).GetProperty("reminders").GetInt32()); // the same crossing: never twice
        Assert.Single(await server.OutboxAsync(org.Id));

        List<NotificationRow> told = [];
        await Eventually.TrueAsync(async () => (told = await server.NotificationsAsync(org.Id, "follow_up_reminder")).Count > 0, "the reminder");
        Assert.Equal([org.MentorA], told.Select(n => n.RecipientId!.Value));
        Assert.Equal(due.ToString(), told[0].DataJson["assignment_id"]!.GetValue<string>());
        Assert.Equal("Mentor A", told[0].DataJson["mentor_display_name"]!.GetValue<string>());
        Assert.Equal(payload.GetProperty("occurred_at").GetString(), told[0].DataJson["timestamp_utc"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_PastTheEscalationThreshold_RemindsTheMentorAndEscalatesToTheChapterOnce()
    {
        server.Clock.Now = JobServer.NightlySlot;
        var org = await server.OrgAsync(_world);
        var due = await server.AssignmentAsync(org, org.MentorB, org.ContactB, Now.AddDays(-21));

        var stats = await RunAsync(org.Id);
        Assert.Equal((1, 1), (stats.GetProperty("reminders").GetInt32(), stats.GetProperty("escalations").GetInt32()));
        Assert.Equal(["follow_up_escalation", "follow_up_reminder"], (await server.OutboxAsync(org.Id)).Select(o => o.Kind).Order());
        Assert.Equal(0, (await RunAsync(org.Id)).GetProperty("escalations").GetInt32());
        Assert.Equal(2, (await server.OutboxAsync(org.Id)).Count);

        List<NotificationRow> escalated = [];
        await Eventually.TrueAsync(async () => (escalated = await server.NotificationsAsync(org.Id, "follow_up_escalation")).Count > 0,
            "the escalation");
        Assert.Equal([org.CoordinatorB], escalated.Select(n => n.RecipientId!.Value)); // the assignment's chapter only
        Assert.Equal(due.ToString(), escalated[0].DataJson["assignment_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_AfterANewActivity_ANewCrossingRemindsAgain()
    {
        server.Clock.Now = JobServer.NightlySlot;
        var org = await server.OrgAsync(_world);
        var assignment = await server.AssignmentAsync(org, org.MentorA, org.ContactA, Now.AddDays(-12));
        Assert.Equal(1, (await RunAsync(org.Id)).GetProperty("reminders").GetInt32());

        // The mentor records a contact (through the API, with the server's clock): the follow-up clock starts again.
        await (await server.As(org.MentorA).RecordActivityAsync(assignment, Now.AddHours(-1))).ReadAsync<ActivityResponse>(201);
        Assert.Equal(0, (await RunAsync(org.Id)).GetProperty("assignments_due").GetInt32());

        server.Clock.Now = Now.AddDays(10).AddHours(1);
        var stats = await RunAsync(org.Id);
        Assert.Equal((1, 0), (stats.GetProperty("reminders").GetInt32(), stats.GetProperty("escalations").GetInt32()));
        Assert.Equal(2, (await server.OutboxAsync(org.Id)).Count(o => o.Kind == "follow_up_reminder"));
        await using var conn = await server.Worker.OpenConnectionAsync();
        Assert.Equal(2, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM follow_up_notices WHERE assignment_id = @assignment", new { assignment }));
    }

    [Fact]
    public async Task Run_OrganisationThresholds_AreThoseOfTheOrganisation()
    {
        server.Clock.Now = JobServer.NightlySlot;
        var org = await server.OrgAsync(_world);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE organizations SET reminder_threshold_days = 3, escalation_threshold_days = 5 WHERE id = @Id", org);
        await server.AssignmentAsync(org, org.MentorA, org.ContactA, Now.AddDays(-4));
        await server.AssignmentAsync(org, org.MentorA2, org.ContactA, Now.AddDays(-6), status: "pending");
        var stats = await RunAsync(org.Id);
        Assert.Equal((2, 2, 1), (stats.GetProperty("assignments_due").GetInt32(), stats.GetProperty("reminders").GetInt32(),
            stats.GetProperty("escalations").GetInt32()));
    }
}
