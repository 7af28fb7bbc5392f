using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class MentorPageTests(BrowserFixture f)
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Mentor_PauseHistory_ShowsBadgeDurationsAndEachPausesNotificationLog()
    {
        var org = await f.World.StandardOrgAsync();
        await f.PauseAsync(org.MentorA, org.MentorA, "Holiday", null);
        await f.ReactivateAsync(org.MentorA, org.MentorA);
        await f.ExpireCertificationAsync(org.MentorA);
        var notifications = await f.NotificationsAsync(org.CoordinatorA, 3);
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync($"/mentors/{org.MentorA}");

        await Expect(page.Locator("#pause-banner")).ToContainTextAsync("Paused since");
        await Expect(page.Locator("#pause-banner .badge.cert")).ToHaveTextAsync("Auto-paused – Certificate Expired");
        await Expect(page.Locator("#cert-banner")).ToContainTextAsync("Certification expired on");
        var entries = page.Locator(".history li");
        await Expect(entries).ToHaveCountAsync(2);
        await Expect(entries.First).ToContainTextAsync("Auto-paused – Certificate Expired");
        await Expect(entries.First).ToContainTextAsync("ongoing");
        await Expect(entries.Nth(1)).ToContainTextAsync("Holiday");
        await Expect(entries.Nth(1)).ToContainTextAsync("0 days");

        await entries.Nth(1).GetByRole(AriaRole.Button).ClickAsync();
        var log = page.Locator("#pause-log table");
        await Expect(log).ToBeVisibleAsync();
        await Expect(log.Locator("tbody tr").Filter(new() { HasText = "Mentor paused" }).Filter(new() { HasText = "Coordinator A" })).ToHaveCountAsync(1);
        await Expect(log.Locator("tbody tr").Filter(new() { HasText = "Mentor reactivated" })).Not.ToHaveCountAsync(0);
        await Expect(entries.Nth(1).GetByRole(AriaRole.Button)).ToHaveAttributeAsync("aria-expanded", "true");
        await BrowserFixture.ScreenshotAsync(page, "mentor-desktop");

        await entries.First.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("#pause-log table tbody tr").Filter(new() { HasText = "Certification expired, auto-paused" })).Not.ToHaveCountAsync(0);
        Assert.NotEmpty(notifications);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("Acknowledge reactivation", "active")]
    [InlineData("Hold (keep paused)", "paused")]
    public async Task Mentor_PendingReactivation_CoordinatorAcknowledgesOrHolds(string button, string expected)
    {
        var org = await f.World.StandardOrgAsync(requireAck: true);
        await f.PauseAsync(org.MentorA, org.MentorA, "Surgery", null);
        await f.ReactivateAsync(org.MentorA, org.MentorA);
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync($"/mentors/{org.MentorA}");
        await Expect(page.Locator("#pause-banner")).ToContainTextAsync("waiting for a coordinator's acknowledgement");
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = expected == "active" ? "Reactivation acknowledged." : "stays paused" }))
            .ToBeVisibleAsync();
        var mentor = await f.GetJsonAsync(org.CoordinatorA, $"/api/v1/mentors/{org.MentorA}");
        Assert.Equal(expected, mentor.GetProperty("status").GetString());
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync(expected == "active" ? "Active" : "Paused");
        await page.Context.CloseAsync();
    }
}
