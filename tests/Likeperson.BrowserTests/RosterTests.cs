using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class RosterTests(BrowserFixture f)
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Roster_PausedMentors_OverdueLabelCertificateBadgeAndChapterFilterWithoutNavigation()
    {
        var org = await f.World.StandardOrgAsync();
        await f.PauseAsync(org.MentorA, org.MentorA, "Travelling", Today.AddDays(5));
        await f.ExpectedReturnAsync(org.MentorA, Today.AddDays(-3)); // time passed: the return date is behind us
        await f.ExpireCertificationAsync(org.MentorB);
        await f.PauseAsync(org.CoordinatorA, org.MentorA2, null, Today.AddDays(20));

        var page = await f.SignInAsync(org.Admin);
        await page.GotoAsync("/roster");
        var cards = page.Locator("#roster-results li.roster-item");
        await Expect(cards).ToHaveCountAsync(3);
        await Expect(cards.First).ToContainTextAsync("Mentor A"); // overdue first
        await Expect(cards.Nth(1)).ToContainTextAsync("Mentor A2"); // then the newest pause

        var overdue = cards.Filter(new() { HasText = "Travelling" });
        await Expect(overdue.Locator(".badge.overdue")).ToHaveTextAsync("Overdue");
        Assert.Equal("rgb(253, 232, 236)", await overdue.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor")); // rose accent
        await Expect(cards.Filter(new() { HasText = "Mentor A2" }).Locator(".badge.overdue")).ToHaveCountAsync(0);

        var cert = cards.Filter(new() { HasText = "Mentor B" });
        await Expect(cert.Locator(".badge.cert")).ToHaveTextAsync("Auto-paused – Certificate Expired");
        Assert.Equal("rgb(138, 59, 0)", await cert.Locator(".badge.cert").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        await BrowserFixture.ScreenshotAsync(page, "roster-desktop");

        await page.EvaluateAsync("() => window.__sameDocument = true");
        var chapters = await f.GetJsonAsync(org.Admin, $"/api/v1/organizations/{org.Id}/chapters");
        var chapterB = chapters.GetProperty("items").EnumerateArray().First(c => c.GetProperty("id").GetString() == org.ChapterB.ToString());
        await page.GetByLabel("Chapter").SelectOptionAsync(new SelectOptionValue { Label = chapterB.GetProperty("name").GetString() });
        await Expect(cards).ToHaveCountAsync(1);
        await Expect(cards.First).ToContainTextAsync("Mentor B");
        await Expect(page).ToHaveURLAsync(new Regex($"chapter_id={org.ChapterB}"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the filter reloaded the whole page");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Roster_ManyPaused_PagesWithASkeletonWhileLoading()
    {
        var org = await f.World.StandardOrgAsync();
        for (var i = 0; i < 21; i++)
        {
            var mentor = await f.World.PersonAsync(org.Id, $"Paused {i:D2}", mentorIn: [org.ChapterA], certificationExpiresAt: Today.AddYears(1));
            await f.PauseAsync(mentor, mentor);
        }
        var page = await f.SignInAsync(org.CoordinatorA, width: 360, height: 740);
        await page.GotoAsync("/roster");
        var cards = page.Locator("#roster-results li.roster-item");
        await Expect(cards).ToHaveCountAsync(20);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "roster-phone");

        // Hold the next page's answer a moment to see the skeleton.
        var release = new TaskCompletionSource();
        await page.RouteAsync(new Regex("/roster\\?.*cursor="), async route => { await release.Task; await route.ContinueAsync(); });
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(page.Locator("#roster-skeleton")).ToBeVisibleAsync();
        release.SetResult();
        await Expect(cards).ToHaveCountAsync(1);
        await Expect(cards.First).ToContainTextAsync("Paused 00"); // the oldest pause is last
        await Expect(page.Locator("#roster-skeleton")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Roster_MentorPausesMeanwhile_AppearsWithoutReload()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync("/roster");
        await Expect(page.Locator("body[data-stream=open]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.EvaluateAsync("() => window.__sameDocument = true");
        await f.PauseAsync(org.MentorA, org.MentorA, "Exams", null);
        await Expect(page.Locator("#roster-results li.roster-item").Filter(new() { HasText = "Exams" })).ToBeVisibleAsync(new() { Timeout = 5000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
        await page.Context.CloseAsync();
    }
}
