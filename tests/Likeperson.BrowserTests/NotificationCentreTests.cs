using Likeperson.Tests.Infrastructure;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class NotificationCentreTests(BrowserFixture f)
{
    [Fact]
    public async Task Centre_PauseAndReactivation_ShowCardsAndOpeningAndAcknowledgingAreRecorded()
    {
        var org = await f.World.StandardOrgAsync();
        var back = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);
        await f.PauseAsync(org.MentorA, org.MentorA, "Family matters", back);
        await f.PauseAsync(org.MentorA2, org.MentorA2, null, null);
        await f.ReactivateAsync(org.MentorA2, org.MentorA2);
        var items = await f.NotificationsAsync(org.CoordinatorA, 3);
        var pauseId = items.First(n => n.GetProperty("type").GetString() == "mentor_paused"
                                       && n.GetProperty("data").GetProperty("mentor_id").GetString() == org.MentorA.ToString()).GetProperty("id").GetString();

        var page = await f.SignInAsync(org.CoordinatorA);
        await Expect(page.Locator("#unread-badge")).ToContainTextAsync("3");
        await page.GotoAsync("/notifications");
        var pauseCard = page.Locator($"#n-{pauseId}");
        await Expect(pauseCard).ToContainTextAsync("Peer Mentor Paused");
        await Expect(pauseCard).ToContainTextAsync("Mentor A");
        await Expect(pauseCard.Locator("dd").Nth(2)).ToHaveTextAsync(back.ToString("d MMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB")));
        await Expect(pauseCard.GetByRole(AriaRole.Link, new() { Name = "See the paused roster" })).ToHaveAttributeAsync("href", "/roster");
        var reactivation = page.Locator("li.notification.type-mentor_reactivated");
        await Expect(reactivation).ToHaveCountAsync(1);
        await Expect(reactivation).ToHaveClassAsync(new Regex("reactivation"));
        var emerald = await reactivation.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftColor");
        Assert.Equal("rgb(15, 110, 76)", emerald);
        await BrowserFixture.ScreenshotAsync(page, "notifications-cards");

        // Opening follows the deep link and records "opened".
        await pauseCard.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/mentors/{org.MentorA}$"));
        Assert.Equal("opened", await StatusAsync(org.CoordinatorA, pauseId!));
        await Expect(page.Locator("#unread-badge")).ToContainTextAsync("2");

        // Acting acknowledges.
        await page.GotoAsync("/notifications");
        await page.Locator($"#n-{pauseId}").GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(page.Locator($"#n-{pauseId} .n-status")).ToHaveTextAsync("Acknowledged");
        Assert.Equal("acknowledged", await StatusAsync(org.CoordinatorA, pauseId!));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Centre_NewNotification_AppearsAndTheUnreadCountGrowsWithoutReload()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync("/notifications");
        await Expect(page.Locator("body[data-stream=open]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#unread-badge")).ToBeHiddenAsync();
        await page.EvaluateAsync("() => window.__sameDocument = true");

        using var mentor = f.Server.As(org.MentorA);
        await (await mentor.PostJsonAsync($"/api/v1/mentors/{org.MentorA}/pause", new { reason = "Exams" })).ReadAsync<System.Text.Json.JsonElement>();
        await Expect(page.Locator("#unread-badge")).ToContainTextAsync("1", new() { Timeout = 5000 });
        await Expect(page.Locator("#unread-badge")).ToContainTextAsync("1 unread");
        await Expect(page.Locator("li.notification.type-mentor_paused")).ToContainTextAsync("Mentor A", new() { Timeout = 5000 });
        await Expect(page.Locator("#unread-summary")).ToHaveTextAsync("1 unread");
        await Expect(page.Locator("#live-region")).ToContainTextAsync("Peer Mentor Paused");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
        await page.Context.CloseAsync();
    }

    private async Task<string?> StatusAsync(Guid person, string id) =>
        (await f.GetJsonAsync(person, "/api/v1/notifications")).GetProperty("items").EnumerateArray()
            .First(n => n.GetProperty("id").GetString() == id).GetProperty("status").GetString();
}
