using System.Text.Json;
using Dapper;
using Likeperson.Mentors;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Mentors;

/// <summary>
/// Through the real endpoints and the real notification dispatcher running in the server: a
/// transition leaves its change event and, once dispatched, the people it concerns find the
/// notifications in their inboxes and in the pause's notification log.
/// </summary>
public sealed class MentorStatusEndToEndTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    /// <summary>The in-app notifications of a person about a mentor, once the dispatcher has handled every transition of that mentor.</summary>
    private async Task<List<(string Type, JsonElement Data, string Title)>> InboxAsync(Guid person, Guid mentor, int expectedCount)
    {
        List<(string, JsonElement, string)> items = [];
        await Eventually.TrueAsync(async () =>
        {
            var page = await (await server.As(person).GetAsync("/api/v1/notifications?limit=200")).ReadAsync<JsonElement>();
            items = page.GetProperty("items").EnumerateArray()
                .Where(n => n.GetProperty("data").TryGetProperty("mentor_id", out var m) && m.GetString() == mentor.ToString())
                .Select(n => (n.GetProperty("type").GetString()!, n.GetProperty("data"), n.GetProperty("title").GetString()!))
                .Reverse().ToList(); // oldest first
            return items.Count >= expectedCount;
        }, $"{expectedCount} notifications for {person}");
        Assert.Equal(expectedCount, items.Count);
        return items;
    }

    [Fact]
    public async Task MentorPausesThemself_EventThenCoordinatorAndMentorAreNotified()
    {
        var org = await _world.StandardOrgAsync();
        var mentor = await (await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause", new { reason = "Exams" }))
            .ReadAsync<MentorResponse>();
        var pauseId = mentor.CurrentPause!.Id;

        var (_, chapters, eventMentor, payload) = Assert.Single(await server.Worker.EventsAsync(org.MentorA));
        Assert.Equal([org.ChapterA], chapters);
        Assert.Equal(org.MentorA, eventMentor);
        Assert.Equal(("active", "paused", 2, pauseId, "Mentor A"), (payload.GetProperty("previous_status").GetString(),
            payload.GetProperty("new_status").GetString(), payload.GetProperty("version").GetInt32(), payload.GetProperty("pause_id").GetGuid(),
            payload.GetProperty("display_name").GetString()));

        var coordinator = Assert.Single(await InboxAsync(org.CoordinatorA, org.MentorA, 1));
        Assert.Equal(("mentor_paused", "Peer Mentor Paused"), (coordinator.Type, coordinator.Title));
        Assert.Equal(pauseId, coordinator.Data.GetProperty("pause_id").GetGuid());
        Assert.Equal("Exams", coordinator.Data.GetProperty("reason").GetString());
        Assert.Equal("pause_confirmation", Assert.Single(await InboxAsync(org.MentorA, org.MentorA, 1)).Type);
        Assert.Empty(await InboxAsync(org.CoordinatorB, org.MentorA, 0));

        var log = await (await server.As(org.CoordinatorA).GetAsync($"/api/v1/pauses/{pauseId}/notifications")).ReadAsync<JsonElement>();
        Assert.Contains(log.GetProperty("items").EnumerateArray(),
            n => n.GetProperty("type").GetString() == "mentor_paused" && n.GetProperty("recipient_id").GetGuid() == org.CoordinatorA);
        Assert.Contains(log.GetProperty("items").EnumerateArray(),
            n => n.GetProperty("type").GetString() == "pause_confirmation" && n.GetProperty("recipient_id").GetGuid() == org.MentorA);
    }

    [Fact]
    public async Task AcknowledgementFlow_PendingThenAcknowledged_EachStepNotifies()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        var mentorClient = server.As(org.MentorA);
        var coordinator = server.As(org.CoordinatorA);
        await (await mentorClient.TransitionAsync(org.MentorA, "pause")).ReadAsync<MentorResponse>();
        var pending = await (await mentorClient.TransitionAsync(org.MentorA, "reactivate")).ReadAsync<MentorResponse>();
        Assert.Equal(MentorStatus.PendingReactivation, pending.Status);
        var roster = await (await coordinator.GetAsync("/api/v1/roster/paused")).ReadAsync<Page<RosterItem>>();
        Assert.Equal(MentorStatus.PendingReactivation, Assert.Single(roster.Items).Status);

        var active = await (await coordinator.TransitionAsync(org.MentorA, "acknowledge", ifMatch: pending.Version)).ReadAsync<MentorResponse>();
        Assert.Equal((MentorStatus.Active, (PauseResponse?)null), (active.Status, active.CurrentPause));
        Assert.Empty((await (await coordinator.GetAsync("/api/v1/roster/paused")).ReadAsync<Page<RosterItem>>()).Items);

        Assert.Equal(["mentor_paused", "reactivation_pending_ack", "mentor_reactivated"],
            (await InboxAsync(org.CoordinatorA, org.MentorA, 3)).Select(n => n.Type));
        Assert.Equal(["pause_confirmation", "reactivation_confirmation", "reactivation_confirmation"],
            (await InboxAsync(org.MentorA, org.MentorA, 3)).Select(n => n.Type));
        Assert.Equal(["paused", "pending_reactivation", "active"],
            (await server.Worker.EventsAsync(org.MentorA)).Select(e => e.Payload.GetProperty("new_status").GetString()));
        var pauses = await (await coordinator.GetAsync($"/api/v1/mentors/{org.MentorA}/pauses")).ReadAsync<Page<PauseResponse>>();
        Assert.NotNull(Assert.Single(pauses.Items).ReactivatedAt);
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task Deactivation_CoordinatorsAreTold_TheMentorIsNot()
    {
        var org = await _world.StandardOrgAsync();
        await server.As(org.CoordinatorA).TransitionAsync(org.MentorA, "pause");
        var gone = await (await server.As(org.Admin).TransitionAsync(org.MentorA, "deactivate", new { reason = "Moved abroad" }))
            .ReadAsync<MentorResponse>();
        Assert.Equal((MentorStatus.Inactive, (PauseResponse?)null), (gone.Status, gone.CurrentPause));
        Assert.Equal(["mentor_paused", "mentor_deactivated"], (await InboxAsync(org.CoordinatorA, org.MentorA, 2)).Select(n => n.Type));
        // Every transition was dispatched (the pause by a coordinator sends the mentor nothing either).
        await Eventually.TrueAsync(async () =>
        {
            await using var conn = await server.Worker.OpenConnectionAsync();
            return await conn.ExecuteScalarAsync<bool>(
                "SELECT bool_and(processed_at IS NOT NULL) FROM outbox WHERE payload->>'mentor_id' = @id", new { id = org.MentorA.ToString() });
        }, "the mentor's outbox rows to be dispatched");
        Assert.Empty(await InboxAsync(org.MentorA, org.MentorA, 0));
        var history = await (await server.As(org.Admin).GetAsync($"/api/v1/mentors/{org.MentorA}/pauses")).ReadAsync<Page<PauseResponse>>();
        var closed = Assert.Single(history.Items);
        Assert.Equal((PauseRecordStatus.Active, (DateTime?)null), (closed.Status, closed.ReactivatedAt));
        Assert.NotNull(closed.EndedAt);
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task CertificationExpiry_AutoPauses_AndCoordinatorsGetTheCriticalNotice()
    {
        var org = await _world.StandardOrgAsync();
        await server.As(org.Admin).TransitionAsync(org.MentorA, "certification", new { expires_at = MentorHttp.Today.AddDays(-5) });
        await using (var conn = await server.Worker.OpenConnectionAsync())
            Assert.True(await conn.ExecuteScalarAsync<bool>("SELECT mentor_certification_expire(@MentorA, now())", org));
        var mentor = await server.As(org.CoordinatorA).GetMentorAsync(org.MentorA);
        Assert.Equal((MentorStatus.Paused, PauseKind.CertificationExpired, PauseRecordStatus.ExpiredCert, "certification_expired"),
            (mentor.Status, mentor.CurrentPause!.Kind, mentor.CurrentPause.Status, mentor.CurrentPause.PauseReason));
        var notice = Assert.Single(await InboxAsync(org.CoordinatorA, org.MentorA, 1));
        Assert.Equal("certification_expiry_auto_pause", notice.Type);
        Assert.Equal(JsonValueKind.Null, notice.Data.GetProperty("actor_id").ValueKind);
        var item = Assert.Single((await (await server.As(org.CoordinatorA).GetAsync("/api/v1/roster/paused")).ReadAsync<Page<RosterItem>>()).Items);
        Assert.Equal((PauseKind.CertificationExpired, (DateOnly?)MentorHttp.Today.AddDays(-5)), (item.Kind, item.CertificationExpiresAt));
    }
}
