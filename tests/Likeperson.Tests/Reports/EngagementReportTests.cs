using System.Net.Http.Json;
using Dapper;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;
using static Likeperson.Tests.Reports.ReportWorld;

namespace Likeperson.Tests.Reports;

/// <summary>`GET /reports/engagement`: who may read it, the period's rules, and what it counts besides days.</summary>
public sealed class EngagementReportTests(ReportClockServer server) : IClassFixture<ReportClockServer>
{
    private readonly World _world = new(server.Worker);
    private static readonly DateTimeOffset June15 = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private Task<HttpResponseMessage> Get(Guid caller, string query) => server.As(caller).GetAsync($"/api/v1/reports/engagement{query}");

    [Fact]
    public async Task Engagement_Scope_CoordinatorsTheirChaptersAdminsTheOrganisation_OthersRefused()
    {
        server.Clock.Now = June15;
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        foreach (var m in new[] { org.MentorA, org.MentorA2, org.MentorB })
            await server.JoinedAsync(m, June15.AddDays(-30));

        var coordinator = await server.ReportAsync(org.CoordinatorA, "2026-06-01", "2026-06-15");
        Assert.Equal(new[] { org.MentorA, org.MentorA2 }.Order(), coordinator.Items.Select(i => i.MentorId).Order());
        Assert.Equal([org.ChapterA], coordinator.Totals.Select(t => t.ChapterId));
        var admin = await server.ReportAsync(org.Admin, "2026-06-01", "2026-06-15");
        Assert.Equal(3, admin.Items.Count);
        Assert.Equal(new[] { org.ChapterA, org.ChapterB }.Order(), admin.Totals.Select(t => t.ChapterId).Order());
        var chapterB = await server.ReportAsync(org.Admin, "2026-06-01", "2026-06-15", org.ChapterB);
        Assert.Equal([org.MentorB], chapterB.Items.Select(i => i.MentorId));
        Assert.NotNull(chapterB.ChapterName);

        await (await Get(org.MentorA, "")).ProblemAsync(403, "forbidden");
        await (await Get(org.CoordinatorA, $"?chapter_id={org.ChapterB}")).ProblemAsync(404, "not_found");
        await (await Get(org.Admin, $"?chapter_id={other.ChapterA}")).ProblemAsync(404, "not_found");
        await (await Get(org.Admin, "?chapter_id=nonsense")).ProblemAsync(400, "malformed_request");
    }

    [Theory]
    [InlineData("?from=2026-06-10&to=2026-06-09", "to")]
    [InlineData("?from=2025-01-01&to=2026-01-02", "to")] // 367 days; 366 is the most
    [InlineData("?from=15.06.2026&to=2026-06-15", "from")]
    [InlineData("?from=2026-02-30", "from")]
    [InlineData("?to=soon", "to")]
    public async Task Engagement_BadPeriod_Is422OnTheField(string query, string field)
    {
        server.Clock.Now = June15;
        var org = await _world.StandardOrgAsync();
        var problem = await (await Get(org.Admin, query)).ProblemAsync(422, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Engagement_Period_DefaultsToTheYearToDate_366DaysAllowed()
    {
        server.Clock.Now = new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero); // already 1 January 2027 in Oslo
        var org = await _world.StandardOrgAsync();
        var report = await (await Get(org.Admin, "")).ReadAsync<Likeperson.Reports.EngagementReport>();
        Assert.Equal((new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 1)), (report.From, report.To));
        await (await Get(org.Admin, "?from=2024-01-01&to=2024-12-31")).ReadAsync<Likeperson.Reports.EngagementReport>(); // a leap year
        await (await Get(org.Admin, "?from=2025-01-01&to=2026-01-01")).ReadAsync<Likeperson.Reports.EngagementReport>();
    }

    [Fact]
    public async Task Engagement_CountsAssignmentsActivitiesPausesAndTotalsPerChapter()
    {
        server.Clock.Now = June15;
        var org = await _world.StandardOrgAsync();
        await server.JoinedAsync(org.MentorA, June15.AddDays(-60));
        await server.JoinedAsync(org.MentorA2, June15.AddDays(-60));
        var coordinator = server.As(org.CoordinatorA);
        var first = await coordinator.CreateAsync(org.MentorA, org.ContactA);
        var second = await coordinator.CreateAsync(org.MentorA, org.ContactA);
        await coordinator.CreateAsync(org.MentorA2, org.ContactA);
        (await coordinator.RecordActivityAsync(first.Id, June15.AddHours(-2))).EnsureSuccessStatusCode();
        (await coordinator.RecordActivityAsync(first.Id, June15.AddHours(-1))).EnsureSuccessStatusCode();
        (await coordinator.PatchJsonAsync(second.Id, """{"status":"completed"}""")).EnsureSuccessStatusCode();
        await server.PauseAsync(org.MentorA2, org.MentorA2, June15.AddDays(-10));
        await server.ReactivateAsync(org.MentorA2, org.MentorA2, June15.AddDays(-8));
        await server.PauseAsync(org.CoordinatorA, org.MentorA2, June15.AddDays(-3));

        var june = await server.ReportAsync(org.CoordinatorA, "2026-06-01", "2026-06-30");
        var a = june.Items.Single(i => i.MentorId == org.MentorA);
        var a2 = june.Items.Single(i => i.MentorId == org.MentorA2);
        Assert.Equal((2, 1, 2, 0), (a.AssignmentsOpened, a.AssignmentsCompleted, a.Activities, a.ActivityMinutes));
        Assert.Equal((1, 0, 0), (a2.AssignmentsOpened, a2.AssignmentsCompleted, a2.Activities));
        Assert.Equal((0, 2, 2, 3), (a.Pauses, a2.Pauses, a2.DaysPausedVoluntary, a2.DaysPausedByCoordinator));
        Assert.Equal(await server.DurationDaysAsync(org.CoordinatorA, org.MentorA2), [a2.DaysPausedVoluntary, a2.DaysPausedByCoordinator]);
        Assert.Equal([org.ChapterA], a.ChapterIds);

        var totals = Assert.Single(june.Totals);
        Assert.Equal((2, 3, 1, 2, 2, 5), (totals.Mentors, totals.AssignmentsOpened, totals.AssignmentsCompleted, totals.Activities,
            totals.Pauses, totals.DaysPausedVoluntary + totals.DaysPausedByCoordinator));
        Assert.Equal(a.DaysActive + a2.DaysActive, totals.DaysActive);

        var may = await server.ReportAsync(org.CoordinatorA, "2026-05-01", "2026-05-31");
        Assert.All(may.Items, i => Assert.Equal(0, i.AssignmentsOpened + i.Activities + i.Pauses + i.PausedDays()));
    }

    [Fact]
    public async Task Engagement_CertificationLapse_ExpiredOnPausedAtRenewedOn()
    {
        server.Clock.Now = June15;
        var org = await _world.StandardOrgAsync();
        await server.JoinedAsync(org.MentorA, June15.AddDays(-60));
        await SqlAs.WorkerAsync(server.Database, c => c.ExecuteAsync(
            "UPDATE peer_mentors SET certification_expires_at = '2026-06-10' WHERE id = @MentorA", new { org.MentorA }));
        var pausedAt = new DateTimeOffset(2026, 6, 11, 0, 5, 0, TimeSpan.Zero);
        Assert.True(await SqlAs.WorkerAsync(server.Database, c => c.ExecuteScalarAsync<bool>(
            "SELECT mentor_certification_expire(@MentorA, @pausedAt)", new { org.MentorA, pausedAt })));

        var live = Assert.Single((await server.RowAsync(org.CoordinatorA, org.MentorA, "2026-06-01", "2026-06-15")).CertificationLapses);
        Assert.Equal((new DateOnly(2026, 6, 10), pausedAt.UtcDateTime, (DateOnly?)null), (live.ExpiredOn, live.PausedAt, live.RenewedOn));

        (await server.As(org.CoordinatorA).PutAsJsonAsync($"/api/v1/mentors/{org.MentorA}/certification", new { expires_at = "2027-06-10" }, TestServer.Json))
            .EnsureSuccessStatusCode();
        var row = await server.RowAsync(org.CoordinatorA, org.MentorA, "2026-06-01", "2026-06-15");
        var renewed = Assert.Single(row.CertificationLapses);
        Assert.Equal(new DateOnly(2026, 6, 10), renewed.ExpiredOn); // the lapsed date, not the new one
        // The renewal is stamped when it is committed (the database's clock, in the organisation's time zone).
        var oslo = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"));
        Assert.InRange(renewed.RenewedOn!.Value, DateOnly.FromDateTime(oslo.Date).AddDays(-1), DateOnly.FromDateTime(oslo.Date));
        Assert.Equal(Assert.Single(await server.DurationDaysAsync(org.CoordinatorA, org.MentorA)), row.DaysPausedCertification);
        Assert.Empty((await server.RowAsync(org.CoordinatorA, org.MentorA, "2026-05-01", "2026-05-31")).CertificationLapses);
    }

    [Fact]
    public async Task Engagement_LeavesOutMentorsGoneBeforeThePeriodOrJoinedAfterIt()
    {
        server.Clock.Now = June15;
        var org = await _world.StandardOrgAsync();
        await server.JoinedAsync(org.MentorA, June15.AddDays(-60));
        await server.JoinedAsync(org.MentorA2, June15.AddDays(-60));
        await server.JoinedAsync(org.MentorB, June15.AddDays(-1));
        await SqlAs.PersonAsync(server.Database, org.Admin, c => c.ExecuteAsync(
            "SELECT mentor_deactivate(@MentorA2, 'Moved', NULL, @at)", new { org.MentorA2, at = June15.AddDays(-40) }));

        var may = await server.ReportAsync(org.Admin, "2026-05-10", "2026-05-31");
        Assert.Equal([org.MentorA], may.Items.Select(i => i.MentorId));
        var april = await server.ReportAsync(org.Admin, "2026-04-20", "2026-05-31");
        Assert.Equal(new[] { org.MentorA, org.MentorA2 }.Order(), april.Items.Select(i => i.MentorId).Order());
        Assert.Equal(0, april.Items.Single(i => i.MentorId == org.MentorA2).PausedDays());
    }
}
