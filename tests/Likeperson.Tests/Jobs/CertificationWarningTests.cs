using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>
/// certification_expiring from the certification-expiry job: at each of the organisation's certification_warning_days
/// (default 30 and 7) before expiry, on the day the days left first drop to or below it (organisation's time zone, the
/// job's now), once per threshold and expiry date; to the mentor and their coordinators, as their preferences say.
/// </summary>
public sealed class CertificationWarningTests(PushServer server) : IClassFixture<PushServer>
{
    private readonly LapseWarnings _w = new(server);
    private static readonly DateOnly Expiry = new(2027, 6, 30);

    private async Task<int> WarningsOnAsync(Guid org, DateOnly day) =>
        (await _w.RunAsync(JobNames.CertificationExpiry, org, LapseWarnings.Night(day))).GetProperty("warnings").GetInt32();

    [Fact]
    public async Task Run_DefaultThresholds_WarnOnceEachOnTheirDays_NotBefore_NotTwice()
    {
        var org = await _w.OrgAsync();
        await _w.CertifyAsync(org.MentorA, Expiry);
        await _w.SqlAsync("UPDATE people SET language = 'nb' WHERE id = @CoordinatorA", org);

        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-31)));
        Assert.Equal(1, await WarningsOnAsync(org.Id, Expiry.AddDays(-30)));
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-30))); // the same day again
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-29)));
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-8)));
        Assert.Equal(1, await WarningsOnAsync(org.Id, Expiry.AddDays(-7)));
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-7)));
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-1)));
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry));

        var queued = await _w.OutboxAsync(org.Id, "certification_expiring");
        Assert.Equal([(30, 30), (7, 7)], queued.Select(q => (q.Payload.GetProperty("threshold").GetInt32(), q.Payload.GetProperty("days_left").GetInt32())));
        Assert.All(queued, q => Assert.Equal((org.MentorA, "2027-06-30"),
            (q.Payload.GetProperty("mentor_id").GetGuid(), q.Payload.GetProperty("certification_expires_at").GetString())));

        var first = await _w.ToldAsync(queued[0].Id);
        Assert.Equal(LapseWarnings.Sorted((org.MentorA, "in_app"), (org.MentorA, "push"), (org.CoordinatorA, "in_app"), (org.CoordinatorA, "push")),
            first.Select(LapseWarnings.Row).Order());
        var mentor = first.Single(n => n.RecipientId == org.MentorA && n.Channel == "in_app");
        Assert.Equal("Your Certification Expires Soon", mentor.Title);
        Assert.Contains("Your certification expires on 30 June 2027 (in 30 days).", mentor.Body);
        Assert.Equal(("2027-06-30", 30), (mentor.DataJson["certification_expires_at"]!.GetValue<string>(), mentor.DataJson["days_left"]!.GetValue<int>()));
        var coordinator = (await _w.ToldAsync(queued[1].Id)).Single(n => n.RecipientId == org.CoordinatorA && n.Channel == "in_app");
        Assert.Equal("Sertifisering utløper – Mentor A", coordinator.Title);
        Assert.Contains("Sertifiseringen til Mentor A utløper 30. juni 2027 (om 7 dager).", coordinator.Body);
    }

    [Fact]
    public async Task Run_TwoThresholdsCrossedAtOnce_OneWarningForTheSmallest_BothRecorded_ARenewalStartsAfresh()
    {
        var org = await _w.OrgAsync();
        var today = Expiry.AddDays(-5);
        await _w.CertifyAsync(org.MentorA, Expiry); // the job did not see it at 30 days

        Assert.Equal(1, await WarningsOnAsync(org.Id, today));
        Assert.Equal(7, Assert.Single(await _w.OutboxAsync(org.Id, "certification_expiring")).Payload.GetProperty("threshold").GetInt32());
        await using (var conn = await server.Worker.OpenConnectionAsync())
            Assert.Equal([7, 30], await conn.QueryAsync<int>(
                "SELECT threshold_days FROM certification_warnings WHERE mentor_id = @MentorA AND expires_on = @Expiry ORDER BY 1", new { org.MentorA, Expiry }));
        Assert.Equal(0, await WarningsOnAsync(org.Id, today.AddDays(1)));

        await _w.CertifyAsync(org.MentorA, today.AddDays(20)); // renewed: a new date, warned afresh at its first threshold crossed
        Assert.Equal(1, await WarningsOnAsync(org.Id, today.AddDays(1)));
        var renewed = (await _w.OutboxAsync(org.Id, "certification_expiring")).Last().Payload;
        Assert.Equal((30, 19), (renewed.GetProperty("threshold").GetInt32(), renewed.GetProperty("days_left").GetInt32()));
    }

    [Fact]
    public async Task Run_ActiveAndPausedWarned_NoDateExpiredAndInactiveNot()
    {
        var org = await _w.OrgAsync();
        var today = Expiry.AddDays(-10);
        var now = LapseWarnings.Night(today);
        await SqlAs.PersonAsync(server.Database, org.MentorA2, c => c.ExecuteAsync(
            "SELECT mentor_pause(@MentorA2, 'Holiday', NULL, NULL, @now)", new { org.MentorA2, now = now.AddDays(-2) }));
        await _w.CertifyAsync(org.MentorA, null);                  // no certification date
        await _w.CertifyAsync(org.MentorA2, Expiry);               // paused, 10 days left: warned
        await _w.CertifyAsync(org.MentorB, today.AddDays(-1));     // already expired: paused by the job, not warned
        var inactive = await _w.World.PersonAsync(org.Id, "Mentor Gone", mentorIn: [org.ChapterA], certificationExpiresAt: Expiry);
        await _w.SqlAsync("UPDATE peer_mentors SET status = 'inactive' WHERE id = @inactive", new { inactive });

        var stats = await _w.RunAsync(JobNames.CertificationExpiry, org.Id, now);
        Assert.Equal((1, 1, 1), (stats.GetProperty("paused").GetInt32(), stats.GetProperty("expiring").GetInt32(), stats.GetProperty("warnings").GetInt32()));
        Assert.Equal([org.MentorA2], (await _w.OutboxAsync(org.Id, "certification_expiring")).Select(q => q.Payload.GetProperty("mentor_id").GetGuid()));
    }

    [Fact]
    public async Task Run_OrganisationsOwnThresholds_WarnAtThoseOnly()
    {
        var org = await _w.OrgAsync();
        var patched = await (await server.As(org.Admin).PatchAsync($"/api/v1/organizations/{org.Id}/settings",
            JsonContent.Create(new { certification_warning_days = new[] { 14, 3 } }, options: TestServer.Json))).ReadAsync<JsonElement>();
        Assert.Equal("[14,3]", patched.GetProperty("settings").GetProperty("certification_warning_days").GetRawText());
        await _w.CertifyAsync(org.MentorA, Expiry);

        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-30)));
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-15)));
        Assert.Equal(1, await WarningsOnAsync(org.Id, Expiry.AddDays(-14)));
        Assert.Equal(0, await WarningsOnAsync(org.Id, Expiry.AddDays(-7)));
        Assert.Equal(1, await WarningsOnAsync(org.Id, Expiry.AddDays(-3)));
        Assert.Equal([14, 3], (await _w.OutboxAsync(org.Id, "certification_expiring")).Select(q => q.Payload.GetProperty("threshold").GetInt32()));
    }

    [Theory]
    [InlineData("[0]")]
    [InlineData("[366]")]
    [InlineData("[7, 7]")]
    [InlineData("[1,2,3,4,5,6,7,8,9,10,11]")]
    public async Task PatchSettings_BadWarningDays_422AtTheFieldAndNothingChanged(string days)
    {
        var org = await _w.OrgAsync();
        var response = await server.As(org.Admin).PatchAsync($"/api/v1/organizations/{org.Id}/settings",
            new StringContent($$"""{"certification_warning_days": {{days}}, "digest_hour": 5}""", System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(422, "validation_failed");
        Assert.Equal(["certification_warning_days"], Foundation.ApiShape.ErrorFields(problem));
        var settings = (await (await server.As(org.Admin).GetAsync($"/api/v1/organizations/{org.Id}")).ReadAsync<JsonElement>()).GetProperty("settings");
        Assert.Equal(("[30,7]", 8), (settings.GetProperty("certification_warning_days").GetRawText(), settings.GetProperty("digest_hour").GetInt32()));
    }

    [Fact]
    public async Task Dispatch_Preferences_DisabledAndDigestRespected()
    {
        var org = await _w.OrgAsync();
        await _w.PreferAsync(org.CoordinatorA, "certification_expiring", enabled: false);
        await _w.PreferAsync(org.MentorA, "certification_expiring", channels: "in_app", mode: "digest");
        await _w.CertifyAsync(org.MentorA, Expiry);

        Assert.Equal(1, await WarningsOnAsync(org.Id, Expiry.AddDays(-30)));
        var told = await _w.ToldAsync(Assert.Single(await _w.OutboxAsync(org.Id, "certification_expiring")).Id);
        var held = Assert.Single(told); // the coordinator switched it off; no org-admin fallback for that
        Assert.Equal((org.MentorA, "in_app", "held"), (held.RecipientId, held.Channel, held.Status));
    }
}
