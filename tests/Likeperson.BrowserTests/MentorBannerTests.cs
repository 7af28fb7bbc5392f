using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class MentorBannerTests(BrowserFixture f)
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Mentor_CertificationExpiringSoon_ShowsTheWarningBannerAtTheTop()
    {
        var org = await f.World.StandardOrgAsync();
        await f.SetCertificationAsync(org.MentorA, Today.AddDays(12));
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync($"/mentors/{org.MentorA}");
        var banner = page.Locator("#cert-banner");
        await Expect(banner).ToContainTextAsync("Certification expires on");
        Assert.Equal("cert-banner", await page.Locator("#mentor-content > *").First.GetAttributeAsync("id"));
        await Expect(page.Locator("#pause-banner")).ToHaveCountAsync(0);

        await page.GotoAsync($"/mentors/{org.MentorA2}"); // a year left: no banner
        await Expect(page.Locator("h1")).ToContainTextAsync("Mentor A2");
        await Expect(page.Locator("#cert-banner")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
    [Fact]
    public async Task Mentor_PausedWithReasonAndAPastReturnDate_PauseBannerShowsReasonReturnDateAndOverdueAsText()
    {
        var org = await f.World.StandardOrgAsync();
        await f.PauseAsync(org.MentorA, org.MentorA, "Family matters", Today.AddDays(3));
        await f.PauseAsync(org.CoordinatorA, org.MentorA2, "Needs rest", Today.AddDays(3));
        await f.ExpectedReturnAsync(org.MentorA, Today.AddDays(-4)); // time passed: back date gone by
        var page = await f.SignInAsync(org.CoordinatorA);

        await page.GotoAsync($"/mentors/{org.MentorA}");
        var banner = page.Locator("#pause-banner");
        await Expect(banner).ToContainTextAsync("Paused since");
        await Expect(banner).ToContainTextAsync("Reason: Family matters");
        await Expect(banner).ToContainTextAsync($"Expected back {Today.AddDays(-4).ToString("d MMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB"))}");
        await Expect(banner.Locator(".badge.overdue")).ToHaveTextAsync("Overdue"); // the word, not only a colour
        await Expect(banner.Locator(".badge.cert")).ToHaveCountAsync(0);

        await page.GotoAsync($"/mentors/{org.MentorA2}"); // expected back in three days: not overdue
        await Expect(page.Locator("#pause-banner")).ToContainTextAsync("Reason: Needs rest");
        await Expect(page.Locator("#pause-banner .badge.overdue")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
