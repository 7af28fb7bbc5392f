using System.Text;
using Dapper;
using Likeperson.Reports;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// `/reports`, keyboard only, on a 390 px phone in Norwegian and on a desktop in English, axe-core clean and without
/// sideways scrolling: pick a period, see the table (the same numbers as the API) and the chart, download the CSV.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportsTests(BrowserFixture f)
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Theory]
    [InlineData("nb-NO", 390, 844, "Last ned CSV", "Dager aktiv")]
    [InlineData("en-GB", 1280, 900, "Download CSV", "Days active")]
    public async Task Reports_KeyboardOnly_PickAPeriod_SeeTableAndChart_DownloadCsv(string language, int width, int height, string csvButton, string daysActive)
    {
        var org = await f.World.StandardOrgAsync();
        await HistoryAsync(org.MentorA, joinedDaysAgo: 40, pausedDaysAgo: 12, pausedFor: 5);
        await HistoryAsync(org.MentorA2, joinedDaysAgo: 30, pausedDaysAgo: null, pausedFor: 0);
        var (from, to) = (Today.AddDays(-45), Today.AddDays(-1));

        var page = await f.SignInAsync(org.CoordinatorA, language, width, height);
        await page.GotoAsync("/");
        await TabUntilAsync(page, "document.activeElement.getAttribute('href') === '/reports'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#from")).ToHaveValueAsync($"{Today.Year}-01-01"); // the year to date by default
        await TabUntilAsync(page, "document.activeElement.id === 'from'");
        await page.Keyboard.TypeAsync(from.ToString("MMddyyyy"));
        await TabUntilAsync(page, "document.activeElement.id === 'to'");
        await page.Keyboard.TypeAsync(to.ToString("MMddyyyy"));
        await TabUntilAsync(page, "document.activeElement.matches('#report-period button[type=submit]:not([name])')");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}"));

        var json = await f.GetJsonAsync(org.CoordinatorA, $"/api/v1/reports/engagement?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
        var rowA = page.Locator($"#report-table tr[data-mentor='{org.MentorA}'] td");
        var itemA = json.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("mentor_id").GetString() == org.MentorA.ToString());
        await Expect(page.Locator("#report-table th[scope=col]").Nth(2)).ToHaveTextAsync(daysActive);
        await Expect(rowA.Nth(1)).ToHaveTextAsync(itemA.GetProperty("days_active").GetInt32().ToString());
        await Expect(rowA.Nth(2)).ToHaveTextAsync(itemA.GetProperty("days_paused_voluntary").GetInt32().ToString());
        Assert.True(itemA.GetProperty("days_paused_voluntary").GetInt32() > 0);
        await Expect(page.Locator("#report-table tbody tr")).ToHaveCountAsync(2);
        var chart = page.Locator("figure.report-chart svg[role=img]");
        await Expect(chart).ToBeVisibleAsync();
        Assert.True(await chart.Locator("rect.paused").CountAsync() >= 2);
        await Expect(page.Locator("#chart-data tbody tr")).ToHaveCountAsync(json.GetProperty("months").GetArrayLength());
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"reports-{language}-{width}");

        await TabUntilAsync(page, $"document.activeElement.textContent.trim() === '{csvButton}'");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        Assert.StartsWith("engagement_", download.SuggestedFilename);
        Assert.EndsWith($"_{from:yyyy-MM-dd}_{to:yyyy-MM-dd}.csv", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal(string.Join(',', ReportFiles.Columns), lines[0]);
        Assert.StartsWith(org.MentorA.ToString(), lines.Single(l => l.Contains("Mentor A,")));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Reports_PeerMentor_Gets403Page_AxeClean()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA, "nb-NO", 390, 844);
        var response = await page.GotoAsync("/reports");
        Assert.Equal(403, response!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Rapporter er for koordinatorer");
        await Expect(page.Locator("a[href='/reports']")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    /// <summary>Time passing: the mentor joined some days ago and (optionally) paused for a few days, through the real functions.</summary>
    private async Task HistoryAsync(Guid mentor, int joinedDaysAgo, int? pausedDaysAgo, int pausedFor)
    {
        await using var conn = new NpgsqlConnection(f.Server.Database.Owner);
        await conn.OpenAsync();
        await conn.ExecuteAsync("UPDATE peer_mentors SET created_at = now() - make_interval(days => @joinedDaysAgo) WHERE id = @mentor", new { mentor, joinedDaysAgo });
        if (pausedDaysAgo is not { } ago) return;
        await f.PauseAsync(mentor, mentor, "Holiday");
        await f.ReactivateAsync(mentor, mentor);
        await conn.ExecuteAsync("""
            UPDATE pause_records SET paused_at = now() - make_interval(days => @ago), created_at = now() - make_interval(days => @ago),
                   ended_at = now() - make_interval(days => @ago - @pausedFor), reactivated_at = now() - make_interval(days => @ago - @pausedFor)
            WHERE mentor_id = @mentor;
            UPDATE mentor_status_log SET occurred_at = now() - make_interval(days => CASE WHEN transition = 'pause' THEN @ago ELSE @ago - @pausedFor END)
            WHERE mentor_id = @mentor;
            """, new { mentor, ago, pausedFor });
    }

    private static async Task TabUntilAsync(IPage page, string condition)
    {
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => !!({condition})")) return;
        }
        Assert.Fail($"Tab never reached: {condition}");
    }
}
