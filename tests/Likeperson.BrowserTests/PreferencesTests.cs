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

    private static readonly Dictionary<string, Dictionary<string, string>> Quiet = new()
    {
        ["en-GB"] = new() { ["legend"] = "Quiet hours", ["format"] = "Enter a time as HH:MM", ["saved"] = "Quiet hours saved." },
        ["nb-NO"] = new() { ["legend"] = "Stille timer", ["format"] = "Skriv et klokkeslett som TT:MM", ["saved"] = "Stille timer er lagret." },
    };

    /// <summary>
    /// Quiet hours, keyboard only, for a mentor on a 390 px phone and a coordinator on a desktop, in English and Norwegian,
    /// axe clean: an emptied end time is refused beside the end field (focused, what was typed kept, nothing stored), then a
    /// window across midnight is saved and shown as the API stores it. Keys that act alike whether the browser shows the time
    /// in 24 or 12 hours (headless Chromium may use either): arrows step the hour, Backspace empties it, "0630A" types 06:30.
    /// </summary>
    [Theory]
    [InlineData("en-GB", 390, true)]
    [InlineData("nb-NO", 390, true)]
    [InlineData("en-GB", 1280, false)]
    [InlineData("nb-NO", 1280, false)]
    public async Task QuietHours_KeyboardOnly_RefusedAtTheFieldThenSaved(string language, int width, bool mentor)
    {
        var t = Quiet[language];
        var org = await f.World.StandardOrgAsync(); // World's people start with quiet hours off
        var person = mentor ? org.MentorA : org.CoordinatorA;
        var page = await f.SignInAsync(person, language, width: width, height: 844);
        await page.GotoAsync("/preferences");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = t["legend"] })).ToBeVisibleAsync();
        await Expect(page.Locator("#quiet-enabled")).Not.ToBeCheckedAsync();

        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'quiet-enabled'");
        await page.Keyboard.PressAsync("Space");
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'quiet-start'");
        await page.Keyboard.PressAsync("ArrowDown"); // 22:00 → 21:00
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'quiet-end'");
        await page.Keyboard.PressAsync("Backspace"); // no hour: no time
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'quiet-save'");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#quiet-end-error")).ToContainTextAsync(t["format"]);
        await Expect(page.Locator("#quiet-end")).ToBeFocusedAsync();
        await Expect(page.Locator("#quiet-end")).ToHaveAttributeAsync("aria-describedby", "quiet-end-error");
        await Expect(page.Locator("#quiet-end")).ToHaveAttributeAsync("aria-invalid", "true");
        await BrowserFixture.ScreenshotAsync(page, $"preferences-quiet-refused-{language}-{width}");
        await Expect(page.Locator("#quiet-start")).ToHaveValueAsync("21:00"); // what was typed is kept
        await Expect(page.Locator("#quiet-enabled")).ToBeCheckedAsync();
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        var stored = await f.GetJsonAsync(person, "/api/v1/me/quiet-hours");
        Assert.False(stored.GetProperty("enabled").GetBoolean()); // nothing changed

        await page.Keyboard.TypeAsync("0630A"); // "A": the morning, where the browser shows 12 hours (ignored where it shows 24)
        await Expect(page.Locator("#quiet-end")).ToHaveValueAsync("06:30");
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'quiet-save'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["saved"] })).ToBeVisibleAsync();
        stored = await f.GetJsonAsync(person, "/api/v1/me/quiet-hours");
        Assert.Equal((true, "21:00", "06:30"),
            (stored.GetProperty("enabled").GetBoolean(), stored.GetProperty("start").GetString(), stored.GetProperty("end").GetString()));
        await Expect(page.Locator("#quiet-end")).ToHaveValueAsync("06:30");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }
}
