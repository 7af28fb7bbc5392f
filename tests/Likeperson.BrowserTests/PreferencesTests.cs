using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class PreferencesTests(BrowserFixture f)
{
    [Fact]
    public async Task Preferences_Changed_AreSavedThroughTheApiAndTheCriticalTypeCannotBeSwitchedOff()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync("/preferences");

        var paused = page.GetByRole(AriaRole.Group, new() { Name = "Mentor initiates pause" });
        await paused.GetByRole(AriaRole.Radio, new() { Name = "In the app" }).CheckAsync();
        await paused.GetByRole(AriaRole.Radio, new() { Name = "Daily digest" }).CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Mentor reactivates" }).GetByRole(AriaRole.Checkbox, new() { Name = "Notify me" }).UncheckAsync();

        var critical = page.GetByRole(AriaRole.Group, new() { Name = "Certification expiry auto-pause" });
        await Expect(critical.GetByRole(AriaRole.Checkbox, new() { Name = "Notify me" })).ToBeDisabledAsync();
        await Expect(critical.GetByRole(AriaRole.Checkbox, new() { Name = "Notify me" })).ToBeCheckedAsync();
        await Expect(critical.GetByRole(AriaRole.Radio, new() { Name = "Daily digest" })).ToBeDisabledAsync();
        await Expect(critical).ToContainTextAsync("cannot be switched off");
        await Expect(critical).ToHaveAttributeAsync("aria-describedby", "critical-note");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Settings saved." })).ToBeVisibleAsync();

        var saved = (await f.GetJsonAsync(org.CoordinatorA, "/api/v1/me/notification-preferences")).GetProperty("preferences")
            .EnumerateArray().ToDictionary(p => p.GetProperty("type").GetString()!);
        Assert.Equal("in_app", saved["mentor_paused"].GetProperty("channels").GetString());
        Assert.Equal("digest", saved["mentor_paused"].GetProperty("mode").GetString());
        Assert.False(saved["mentor_reactivated"].GetProperty("enabled").GetBoolean());
        Assert.True(saved["certification_expiry_auto_pause"].GetProperty("enabled").GetBoolean());
        Assert.Equal("immediate", saved["certification_expiry_auto_pause"].GetProperty("mode").GetString());

        await page.ReloadAsync(); // the page shows what was saved
        await Expect(paused.GetByRole(AriaRole.Radio, new() { Name = "Daily digest" })).ToBeCheckedAsync();
        await page.Context.CloseAsync();
    }
}
