using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>Pause history on the mentor page and the peer mentor's own page (GET /mentors/{id}/pauses).</summary>
[Collection(BrowserCollection.Name)]
public sealed class PauseHistoryTests(BrowserFixture f)
{
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

    [Fact]
    public async Task Mentor_PausedWithReturnDate_ReactivatesAndSeesOwnHistoryAndNotifications()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA);
        await page.GetByRole(AriaRole.Button, new() { Name = "Take a pause" }).ClickAsync();
        var back = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7);
        await page.GetByLabel("Expected return date (optional)").FillAsync(back.ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm pause" }).ClickAsync();
        await Expect(page.Locator("#my-status")).ToContainTextAsync("Expected back");

        await page.GetByRole(AriaRole.Button, new() { Name = "I am back: reactivate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Welcome back" })).ToBeVisibleAsync();
        await Expect(page.Locator("#status-heading .badge")).ToHaveTextAsync("Active");
        await Expect(page.Locator("section[aria-labelledby=my-history-heading] li")).ToHaveCountAsync(1);

        await f.NotificationsAsync(org.MentorA, 2);
        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
        await Expect(page.Locator("li.notification")).ToHaveCountAsync(2);
        await Expect(page.Locator("li.notification.type-reactivation_confirmation")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }
}
