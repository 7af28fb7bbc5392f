using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>
/// return_date_passed from the follow-up-reminders job: once the organisation's today (its time zone, the job's now) is
/// after a live pause's expected return date, once per pause; the mentor by push and in-app, their coordinators in-app.
/// </summary>
public sealed class ReturnDatePassedTests(PushServer server) : IClassFixture<PushServer>
{
    private const string NewYork = "America/New_York";
    private readonly LapseWarnings _w = new(server);
    private static readonly DateOnly Back = new(2027, 3, 10);

    private async Task<Guid> PauseAsync(Guid mentor, DateOnly? expectedBack, DateTimeOffset at)
    {
        await SqlAs.PersonAsync(server.Database, mentor, c => c.ExecuteAsync(
            "SELECT mentor_pause(@mentor, NULL, @expectedBack, NULL, @at)", new { mentor, expectedBack, at }));
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>("SELECT id FROM pause_records WHERE mentor_id = @mentor AND status = 'paused'", new { mentor });
    }

    private async Task<int> PassedAsync(Guid org, DateTimeOffset now) =>
        (await _w.RunAsync(JobNames.FollowUpReminders, org, now)).GetProperty("return_dates_passed").GetInt32();

    [Fact]
    public async Task Run_TheDayAfterTheExpectedDate_InTheOrganisationsTimeZone_OncePerPause_CoordinatorsInAppOnly()
    {
        var org = await _w.OrgAsync(NewYork);
        var pausedAt = LapseWarnings.At(Back.AddDays(-9), 9, 0, NewYork);
        var pause = await PauseAsync(org.MentorA, Back, pausedAt);
        await PauseAsync(org.MentorB, null, pausedAt);                   // no expected date: nothing to pass
        await PauseAsync(org.MentorA2, Back, pausedAt);
        await SqlAs.PersonAsync(server.Database, org.MentorA2, c => c.ExecuteAsync(  // came back in time: the pause is over
            "SELECT mentor_reactivate(@MentorA2, NULL, @at)", new { org.MentorA2, at = pausedAt.AddDays(5) }));

        // 23:59 on the expected day in New York is already the next day in UTC: still the day itself for the organisation.
        Assert.Equal(0, await PassedAsync(org.Id, LapseWarnings.At(Back, 23, 59, NewYork)));
        Assert.Equal(1, await PassedAsync(org.Id, LapseWarnings.At(Back.AddDays(1), 0, 1, NewYork)));
        Assert.Equal(0, await PassedAsync(org.Id, LapseWarnings.At(Back.AddDays(2), 2, 0, NewYork))); // once per pause

        var (id, payload) = Assert.Single(await _w.OutboxAsync(org.Id, "return_date_passed"));
        Assert.Equal((org.MentorA, pause, "2027-03-10"), (payload.GetProperty("mentor_id").GetGuid(), payload.GetProperty("pause_id").GetGuid(),
            payload.GetProperty("expected_return_date").GetString()));
        var told = await _w.ToldAsync(id);
        Assert.Equal(LapseWarnings.Sorted((org.MentorA, "in_app"), (org.MentorA, "push"), (org.CoordinatorA, "in_app")),
            told.Select(LapseWarnings.Row).Order());
        Assert.All(told, n => Assert.Equal(pause, n.PauseId));
        var mentor = told.Single(n => n.RecipientId == org.MentorA && n.Channel == "in_app");
        Assert.Equal("Expected Return Date Passed", mentor.Title);
        Assert.Contains("You expected to be back on 10 March 2027, and you are still paused.", mentor.Body);
        Assert.Contains("Mentor A expected to be back on 10 March 2027 and is still paused.", told.Single(n => n.RecipientId == org.CoordinatorA).Body);
    }

    [Fact]
    public async Task Run_PendingReactivation_NotReminded_ANewPauseIsRemindedAgain()
    {
        var org = await _w.OrgAsync();
        await _w.SqlAsync("UPDATE organizations SET require_reactivation_ack = true WHERE id = @Id", org);
        var pausedAt = LapseWarnings.Night(Back.AddDays(-5));
        await PauseAsync(org.MentorA2, Back, pausedAt);
        await SqlAs.PersonAsync(server.Database, org.MentorA2, c => c.ExecuteAsync( // asked to come back: waits for the coordinator
            "SELECT mentor_reactivate(@MentorA2, NULL, @at)", new { org.MentorA2, at = pausedAt.AddDays(1) }));
        var first = await PauseAsync(org.MentorA, Back, pausedAt);
        Assert.Equal(1, await PassedAsync(org.Id, LapseWarnings.Night(Back.AddDays(1))));

        // MentorA comes back (acknowledged) and pauses again with a new date: that pause is a new one.
        await SqlAs.PersonAsync(server.Database, org.MentorA, c => c.ExecuteAsync(
            "SELECT mentor_reactivate(@MentorA, NULL, @at)", new { org.MentorA, at = LapseWarnings.Night(Back.AddDays(2)) }));
        await SqlAs.PersonAsync(server.Database, org.CoordinatorA, c => c.ExecuteAsync(
            "SELECT mentor_acknowledge(@MentorA, NULL, @at)", new { org.MentorA, at = LapseWarnings.Night(Back.AddDays(2)) }));
        var second = await PauseAsync(org.MentorA, Back.AddDays(5), LapseWarnings.Night(Back.AddDays(3)));
        Assert.Equal(0, await PassedAsync(org.Id, LapseWarnings.Night(Back.AddDays(5))));
        Assert.Equal(1, await PassedAsync(org.Id, LapseWarnings.Night(Back.AddDays(6))));
        Assert.Equal([first, second], (await _w.OutboxAsync(org.Id, "return_date_passed")).Select(q => q.Payload.GetProperty("pause_id").GetGuid()));
    }

    [Fact]
    public async Task Dispatch_Preferences_MentorSwitchedOff_CoordinatorDigest()
    {
        var org = await _w.OrgAsync();
        await _w.PreferAsync(org.MentorA, "return_date_passed", enabled: false);
        await _w.PreferAsync(org.CoordinatorA, "return_date_passed", channels: "push", mode: "digest");
        await PauseAsync(org.MentorA, Back, LapseWarnings.Night(Back.AddDays(-3)));

        Assert.Equal(1, await PassedAsync(org.Id, LapseWarnings.Night(Back.AddDays(1))));
        var told = await _w.ToldAsync(Assert.Single(await _w.OutboxAsync(org.Id, "return_date_passed")).Id);
        var held = Assert.Single(told); // the coordinators' note is in-app only, whatever channel they chose; held for the digest
        Assert.Equal((org.CoordinatorA, "in_app", "held"), (held.RecipientId, held.Channel, held.Status));
    }
}
