using Likeperson.Tests.Infrastructure;
using static Likeperson.Tests.Reports.ReportWorld;

namespace Likeperson.Tests.Reports;

/// <summary>
/// The report's day counts agree with `GET /mentors/{id}/pauses` (duration_days: whole 24-hour days from paused_at to
/// ended_at, or to now): across period boundaries, for open pauses, at local midnights and over daylight-saving changes.
/// </summary>
public sealed class EngagementDaysTests(ReportClockServer server) : IClassFixture<ReportClockServer>
{
    private readonly World _world = new(server.Worker);
    private const string Oslo = "Europe/Oslo";

    [Fact]
    public async Task Days_PauseAcrossAPeriodBoundary_SplitWithoutLosingOrDoublingADay()
    {
        server.Clock.Now = Local(Oslo, 2026, 3, 10, 12);
        var org = await _world.StandardOrgAsync();
        await server.JoinedAsync(org.MentorA, Local(Oslo, 2026, 1, 1, 9));
        await server.PauseAsync(org.MentorA, org.MentorA, Local(Oslo, 2026, 1, 25, 18, 30));
        await server.ReactivateAsync(org.MentorA, org.MentorA, Local(Oslo, 2026, 2, 5, 7, 15));

        var duration = Assert.Single(await server.DurationDaysAsync(org.Admin, org.MentorA));
        var january = await server.RowAsync(org.Admin, org.MentorA, "2026-01-01", "2026-01-31");
        var february = await server.RowAsync(org.Admin, org.MentorA, "2026-02-01", "2026-02-28");
        var both = await server.RowAsync(org.Admin, org.MentorA, "2026-01-01", "2026-02-28");

        Assert.True(january.DaysPausedVoluntary > 0 && february.DaysPausedVoluntary > 0);
        Assert.Equal(duration, january.DaysPausedVoluntary + february.DaysPausedVoluntary);
        Assert.Equal(duration, both.DaysPausedVoluntary);
        Assert.Equal(both.DaysActive, january.DaysActive + february.DaysActive);
        Assert.Equal(1, january.Pauses);
        Assert.Equal(0, february.Pauses); // counted where it began
        Assert.Equal(0, both.DaysPausedByCoordinator + both.DaysPausedCertification);
    }

    [Fact]
    public async Task Months_EachMonthAgreesWithTheReportForThatMonthAlone_EmptyMonthsListedAsZero()
    {
        server.Clock.Now = Local(Oslo, 2026, 3, 10, 12);
        var org = await _world.StandardOrgAsync();
        await server.JoinedAsync(org.MentorA, Local(Oslo, 2026, 1, 1, 9));
        await server.PauseAsync(org.MentorA, org.MentorA, Local(Oslo, 2026, 1, 25, 18, 30));
        await server.ReactivateAsync(org.MentorA, org.MentorA, Local(Oslo, 2026, 2, 5, 7, 15));
        await server.PauseAsync(org.CoordinatorA, org.MentorA, Local(Oslo, 2026, 2, 20, 10));

        var quarter = await server.ReportAsync(org.Admin, "2025-12-01", "2026-02-28");

        Assert.Equal(["2025-12", "2026-01", "2026-02"], quarter.Months.Select(m => m.Month));
        Assert.Equal((0, 0), (quarter.Months[0].DaysActive, quarter.Months[0].DaysPaused)); // before anyone joined
        foreach (var (month, from, to) in new[] { (1, "2026-01-01", "2026-01-31"), (2, "2026-02-01", "2026-02-28") })
        {
            var alone = await server.ReportAsync(org.Admin, from, to);
            Assert.Equal(alone.Items.Sum(i => i.DaysActive), quarter.Months[month].DaysActive);
            Assert.Equal(alone.Items.Sum(i => i.PausedDays()), quarter.Months[month].DaysPaused);
        }
        Assert.True(quarter.Months[1].DaysPaused > 0 && quarter.Months[2].DaysPaused > 0);
    }

    [Fact]
    public async Task Days_OpenPause_CountsToNowLikeDurationDays()
    {
        server.Clock.Now = Local(Oslo, 2026, 4, 20, 16, 45);
        var org = await _world.StandardOrgAsync();
        await server.JoinedAsync(org.MentorA, Local(Oslo, 2026, 1, 1));
        await server.PauseAsync(org.CoordinatorA, org.MentorA, Local(Oslo, 2026, 4, 2, 8));

        var duration = Assert.Single(await server.DurationDaysAsync(org.CoordinatorA, org.MentorA));
        var report = await server.RowAsync(org.CoordinatorA, org.MentorA, "2026-04-01", "2026-04-20");
        Assert.Equal(duration, report.DaysPausedByCoordinator);
        Assert.Equal(report.DaysPausedByCoordinator,
            (await server.RowAsync(org.CoordinatorA, org.MentorA, "2026-04-01", "2026-12-31")).DaysPausedByCoordinator);

        server.Clock.Now = server.Clock.Now.AddDays(3);
        Assert.Equal(duration + 3, Assert.Single(await server.DurationDaysAsync(org.CoordinatorA, org.MentorA)));
        Assert.Equal(duration + 3, (await server.RowAsync(org.CoordinatorA, org.MentorA, "2026-04-01", "2026-04-30")).DaysPausedByCoordinator);
    }

    [Fact]
    public async Task Days_LocalMidnightDecidesThePeriod_NotUtc()
    {
        // In Auckland (UTC+13 in January) a day completing at 00:30 on 1 February local is still 31 January in UTC.
        const string auckland = "Pacific/Auckland";
        server.Clock.Now = Local(auckland, 2026, 3, 1, 12);
        var orgId = await _world.OrganizationAsync(timezone: auckland);
        var chapter = await _world.ChapterAsync(orgId);
        var admin = await _world.PersonAsync(orgId, "Admin", orgAdmin: true);
        var mentor = await _world.PersonAsync(orgId, "Mentor", mentorIn: [chapter]);
        await server.JoinedAsync(mentor, Local(auckland, 2026, 1, 1));
        await server.PauseAsync(mentor, mentor, Local(auckland, 2026, 1, 29, 0, 30));
        await server.ReactivateAsync(mentor, mentor, Local(auckland, 2026, 2, 2, 1));

        var duration = Assert.Single(await server.DurationDaysAsync(admin, mentor));
        Assert.Equal(4, duration);
        // Whole days complete at 00:30 local on 30 and 31 January and on 1 and 2 February.
        Assert.Equal(2, (await server.RowAsync(admin, mentor, "2026-01-01", "2026-01-31")).DaysPausedVoluntary);
        Assert.Equal(2, (await server.RowAsync(admin, mentor, "2026-02-01", "2026-02-28")).DaysPausedVoluntary);
        Assert.Equal(1, (await server.RowAsync(admin, mentor, "2026-02-01", "2026-02-01")).DaysPausedVoluntary);
    }

    [Fact]
    public async Task Days_DaylightSavingChanges_CountWhole24HourDaysLikeDurationDays()
    {
        server.Clock.Now = Local(Oslo, 2026, 12, 1, 12);
        var org = await _world.StandardOrgAsync();
        await server.JoinedAsync(org.MentorA, Local(Oslo, 2026, 1, 1));
        await server.JoinedAsync(org.MentorB, Local(Oslo, 2026, 1, 1));
        // March in Oslo lasts 743 hours (summer time begins on the 29th): midnight to midnight is 30 whole days.
        await server.PauseAsync(org.MentorA, org.MentorA, Local(Oslo, 2026, 3, 1));
        await server.ReactivateAsync(org.MentorA, org.MentorA, Local(Oslo, 2026, 4, 1));
        // October lasts 745 hours (summer time ends on the 25th): 31 whole days.
        await server.PauseAsync(org.CoordinatorB, org.MentorB, Local(Oslo, 2026, 10, 1));
        await server.ReactivateAsync(org.CoordinatorB, org.MentorB, Local(Oslo, 2026, 11, 1));

        var march = Assert.Single(await server.DurationDaysAsync(org.Admin, org.MentorA));
        var october = Assert.Single(await server.DurationDaysAsync(org.Admin, org.MentorB));
        Assert.Equal((30, 31), (march, october));
        Assert.Equal(march, (await server.RowAsync(org.Admin, org.MentorA, "2026-03-01", "2026-03-31")).DaysPausedVoluntary);
        Assert.Equal(october, (await server.RowAsync(org.Admin, org.MentorB, "2026-10-01", "2026-10-31")).DaysPausedByCoordinator);
        // Split at the change itself, the two sides still add up.
        var before = await server.RowAsync(org.Admin, org.MentorA, "2026-03-01", "2026-03-28");
        var after = await server.RowAsync(org.Admin, org.MentorA, "2026-03-29", "2026-04-30");
        Assert.Equal(march, before.DaysPausedVoluntary + after.DaysPausedVoluntary);

        var year = await server.ReportAsync(org.Admin, "2026-01-01", "2026-11-30");
        var monthA = year.Months.Single(m => m.Month == "2026-03");
        Assert.Equal(11, year.Months.Count);
        Assert.True(monthA.DaysPaused >= march);
        Assert.Equal(year.Items.Sum(i => i.PausedDays()), year.Months.Sum(m => m.DaysPaused));
        Assert.Equal(year.Items.Sum(i => i.DaysActive), year.Months.Sum(m => m.DaysActive));
    }
}
