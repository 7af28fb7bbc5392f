using Dapper;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// `/admin/jobs`, keyboard only, on a 390 px phone in Norwegian and on a desktop in English, axe-core clean: a coordinator
/// runs the certification check now and sees the run's status and stats (and the expired mentor paused); an org admin sees
/// the runs of every job.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminJobsTests(BrowserFixture f)
{
    private static readonly Dictionary<string, Dictionary<string, string>> Texts = new()
    {
        ["en-GB"] = new() { ["nav"] = "Jobs", ["ran"] = "Certification expiry has run: Succeeded.", ["paused"] = "Paused: 1", ["succeeded"] = "Succeeded" },
        ["nb-NO"] = new() { ["nav"] = "Jobber", ["ran"] = "Utløpte sertifiseringer er kjørt: Fullført.", ["paused"] = "Satt på pause: 1", ["succeeded"] = "Fullført" },
    };

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task Coordinator_KeyboardOnly_RunsTheCertificationCheckNowAndSeesItsStatusAndStats(string language, int width, int height)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        await f.SetCertificationAsync(org.MentorA, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3));
        var page = await f.SignInAsync(org.CoordinatorA, language, width, height);

        await TabUntilAsync(page, $"document.activeElement.matches('header nav a[href=\"/admin/jobs\"]')");
        await Expect(page.Locator("header nav a[href='/admin/jobs']")).ToHaveTextAsync(t["nav"]);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/admin/jobs");
        await Expect(page.Locator("section.job")).ToHaveCountAsync(1); // a coordinator sees the one job they may run
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await TabUntilAsync(page, "document.activeElement.id === 'run-certification-expiry'");
        await page.Keyboard.PressAsync("Enter");

        var result = page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["ran"] });
        await Expect(result).ToBeVisibleAsync();
        await Expect(result).ToContainTextAsync(t["paused"]);
        await Expect(page.Locator("#job-certification-expiry li.run").First).ToContainTextAsync(t["succeeded"]);
        Assert.Equal("paused", (await f.GetJsonAsync(org.CoordinatorA, $"/api/v1/mentors/{org.MentorA}")).GetProperty("status").GetString());
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"admin-jobs-coordinator-{width}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task OrgAdmin_SeesTheRunsOfEveryJob(string language, int width, int height)
    {
        var org = await f.World.StandardOrgAsync();
        await using (var conn = new NpgsqlConnection(f.Server.Database.Worker))
        {
            await conn.OpenAsync();
            await conn.ExecuteAsync("""
                INSERT INTO job_runs (job, organization_id, trigger, status, started_at, finished_at, stats)
                SELECT j, @Id, 'scheduled', 'succeeded', now() - interval '1 hour', now() - interval '1 hour', '{"reminders": 2}'
                FROM unnest(ARRAY['follow-up-reminders', 'pause-digest', 'reconciliation']) j
                """, org);
        }
        var page = await f.SignInAsync(org.Admin, language, width, height);
        await page.GotoAsync("/admin/jobs");

        await TabUntilAsync(page, "document.activeElement.id === 'run-certification-expiry'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#run-result")).ToBeVisibleAsync();
        foreach (var job in new[] { "certification-expiry", "follow-up-reminders", "pause-digest", "reconciliation" })
        {
            await Expect(page.Locator($"#job-{job} li.run")).ToHaveCountAsync(1);
            await Expect(page.Locator($"#run-{job}")).ToBeVisibleAsync();
        }
        await Expect(page.Locator("#no-warnings")).ToBeVisibleAsync();
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"admin-jobs-admin-{width}");
        await page.Context.CloseAsync();
    }

    /// <summary>Presses Tab until the condition (JavaScript) holds, at most 60 times.</summary>
    internal static async Task TabUntilAsync(IPage page, string condition)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => !!({condition})")) return;
        }
        Assert.Fail($"Tab never reached: {condition}");
    }
}
