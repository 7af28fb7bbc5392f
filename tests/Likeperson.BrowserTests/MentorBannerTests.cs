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
}
