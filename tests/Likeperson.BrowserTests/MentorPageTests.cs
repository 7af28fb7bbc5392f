using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class MentorPageTests(BrowserFixture f)
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

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

    [Fact]
    public async Task Mentor_SomeoneElseActedFirst_ShowsWhyAndTheCurrentState()
    {
        var org = await f.World.StandardOrgAsync(requireAck: true);
        await f.PauseAsync(org.MentorA, org.MentorA, "Surgery", null);
        await f.ReactivateAsync(org.MentorA, org.MentorA);
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync($"/mentors/{org.MentorA}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge reactivation" })).ToBeVisibleAsync();

        await page.EvaluateAsync("() => window.likeperson.live.drop(600000)"); // no live refresh: the page keeps the old state
        using var admin = f.Server.As(org.Admin); // the org admin acknowledges first
        (await admin.PostAsync($"/api/v1/mentors/{org.MentorA}/reactivation/acknowledge", null)).EnsureSuccessStatusCode();

        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge reactivation" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Someone changed this just now");
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Active");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge reactivation" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
