using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>GET /pauses/{id}/notifications: who was told what about one pause period, for its coordinators and org admins.</summary>
public sealed class PauseLogTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private sealed record Log(List<PauseLogEntry> Items, string? NextCursor);

    private async Task<(Org Org, Guid Pause)> PausedAndBackAsync()
    {
        var org = await _world.StandardOrgAsync();
        var pause = await _outbox.PauseRecordAsync(org.Id, org.MentorA, reason: "Holiday");
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA, pause, reason: "Holiday"));
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "reactivate", "paused", "active", org.MentorA, pause));
        var otherPause = await _outbox.PauseRecordAsync(org.Id, org.MentorA2);
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "pause", "active", "paused", org.MentorA2, otherPause,
            displayName: "Mentor A2"));
        return (org, pause);
    }

    [Fact]
    public async Task PauseLog_EveryNotificationOfThePeriod_WithRecipientStatusAndTimes()
    {
        var (org, pause) = await PausedAndBackAsync();
        var inbox = await (await server.As(org.CoordinatorA).GetAsync("/api/v1/notifications")).ReadAsync<System.Text.Json.JsonElement>();
        var pausedNote = inbox.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "mentor_paused"
            && i.GetProperty("data").GetProperty("pause_id").GetString() == pause.ToString()).GetProperty("id").GetString();
        Assert.Equal(204, (int)(await server.As(org.CoordinatorA).PostAsync($"/api/v1/notifications/{pausedNote}/opened", null)).StatusCode);

        var log = await (await server.As(org.CoordinatorA).GetAsync($"/api/v1/pauses/{pause}/notifications")).ReadAsync<Log>();

        Assert.Equal([
            (NotificationType.MentorPaused, "Coordinator A"), (NotificationType.PauseConfirmation, "Mentor A"),
            (NotificationType.MentorReactivated, "Coordinator A"), (NotificationType.ReactivationConfirmation, "Mentor A")],
            log.Items.Select(e => (e.Type, e.RecipientDisplayName!)));
        Assert.All(log.Items, e => Assert.Equal(NotificationChannel.InApp, e.Channel));
        Assert.All(log.Items, e => Assert.NotNull(e.SentAt));
        var opened = log.Items[0];
        Assert.Equal((NotificationStatus.Opened, true, true), (opened.Status, opened.DeliveredAt is not null, opened.OpenedAt is not null));
        Assert.Equal(NotificationStatus.Sent, log.Items[1].Status);
        Assert.Null(log.NextCursor);
    }

    [Fact]
    public async Task PauseLog_OutsideTheCoordinatorsAndAdmins_NotFound()
    {
        var (org, pause) = await PausedAndBackAsync();
        var otherOrg = await _world.StandardOrgAsync();

        Assert.Equal(4, (await (await server.As(org.Admin).GetAsync($"/api/v1/pauses/{pause}/notifications")).ReadAsync<Log>()).Items.Count);
        foreach (var outsider in new[] { org.CoordinatorB, org.MentorA, otherOrg.Admin })
            await (await server.As(outsider).GetAsync($"/api/v1/pauses/{pause}/notifications")).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).GetAsync($"/api/v1/pauses/{Guid.NewGuid()}/notifications")).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task PauseLog_MentorInTwoChapters_NamesCoordinatorsTheCallerCannotOtherwiseSee()
    {
        var org = await _world.StandardOrgAsync();
        var mentor = await _world.PersonAsync(org.Id, "Mentor AB", mentorIn: [org.ChapterA, org.ChapterB]);
        var pause = await _outbox.PauseRecordAsync(org.Id, mentor);
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, mentor, "pause", "active", "paused", org.Admin, pause,
            kind: "coordinator", displayName: "Mentor AB"));

        var log = await (await server.As(org.CoordinatorA).GetAsync($"/api/v1/pauses/{pause}/notifications")).ReadAsync<Log>();

        Assert.Equal(["Coordinator A", "Coordinator B"], log.Items.Select(e => e.RecipientDisplayName).Order());
    }
}
