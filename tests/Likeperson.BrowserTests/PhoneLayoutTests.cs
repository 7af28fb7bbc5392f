using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// The phone layout: a header of two short rows, the board one status at a time behind a status filter, touch targets of at
/// least 24 × 24 px, a favicon; and the preferences page offers a person only the types that reach them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests(BrowserFixture f)
{
    private async Task<Likeperson.Tests.Infrastructure.Org> BoardDataAsync()
    {
        var org = await f.World.StandardOrgAsync();
        var open = await f.World.ContactAsync(org.Id, org.ChapterA, "Åse Open");
        var pending = await f.World.ContactAsync(org.Id, org.ChapterA, "Per Pending");
        await f.World.AssignmentRowAsync(org.Id, org.MentorA, open, 1);
        await f.World.AssignmentRowAsync(org.Id, org.MentorA2, pending, 1, "pending");
        return org;
    }

    [Theory]
    [InlineData("nb-NO", "Venter")]
    [InlineData("en-GB", "Pending")]
    public async Task Board_AtPhoneWidth_ShowsOneStatusAtATime_SwitchedByKeyboard(string language, string pendingLabel)
    {
        var org = await BoardDataAsync();
        var page = await f.SignInAsync(org.CoordinatorA, language, width: 390, height: 844);
        await page.GotoAsync("/board");
        var header = await page.Locator("header.top").BoundingBoxAsync();
        Assert.True(header!.Height <= 110, $"the header takes {header.Height}px of a 844px phone screen");
        await Expect(page.Locator(".board-filter")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-column=open]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-column=pending]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-column=open]")).ToContainTextAsync("Åse Open");

        // Keyboard only: Tab to the filter's "Pending" entry and press Enter.
        var pending = page.Locator(".board-filter a[data-show=pending]");
        for (var i = 0; i < 40 && !await pending.EvaluateAsync<bool>("e => e === document.activeElement"); i++) await page.Keyboard.PressAsync("Tab");
        await Expect(pending).ToBeFocusedAsync();
        await Expect(pending).ToContainTextAsync(pendingLabel);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("[data-column=pending]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-column=open]")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-column=pending]")).ToContainTextAsync("Per Pending");
        await Expect(pending).ToHaveAttributeAsync("aria-current", "true");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);

        await page.ReloadAsync(); // the choice is in the URL
        await Expect(page.Locator("[data-column=pending]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-column=open]")).ToBeHiddenAsync();
        await BrowserFixture.ScreenshotAsync(page, "board-phone-" + language[..2]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Board_AtDesktopWidth_ShowsAllThreeColumnsAndNoFilter()
    {
        var org = await BoardDataAsync();
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync("/board?show=pending");
        await Expect(page.Locator(".board-filter")).ToBeHiddenAsync();
        foreach (var column in new[] { "open", "pending", "completed" })
            await Expect(page.Locator($"[data-column={column}]")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Preferences_AtPhoneWidth_ChoicesAreAtLeast24PxAndTheFaviconIsServed()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, width: 390, height: 844);
        await page.GotoAsync("/preferences");
        var controls = page.Locator("input[type=checkbox], input[type=radio]");
        Assert.True(await controls.CountAsync() > 0);
        foreach (var box in await controls.AllAsync())
        {
            var size = await box.BoundingBoxAsync();
            Assert.True(size!.Width >= 24 && size.Height >= 24, $"a choice is {size.Width} × {size.Height} px");
        }
        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        var response = await page.APIRequest.GetAsync(icon!);
        Assert.Equal(200, response.Status);
        Assert.Equal("image/svg+xml", response.Headers["content-type"]);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("nb-NO", "Som likeperson")]
    [InlineData("en-GB", "As a peer mentor")]
    public async Task Preferences_ForAPeerMentor_OfferOnlyTheWarningsAboutThemself(string language, string explanation)
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA, language, width: 390, height: 844);
        await page.GotoAsync("/preferences");
        await Expect(page.Locator("#prefs-mentor")).ToContainTextAsync(explanation);
        // Only the warnings about themself: certification expiring soon, expected return date passed.
        Assert.Equal(["pref-certification_expiring", "pref-return_date_passed"],
            await page.Locator("form.prefs > fieldset").EvaluateAllAsync<string[]>("els => els.map(e => e.id)"));
        await page.Locator("#return_date_passed-enabled").UncheckAsync();
        await page.Locator("form.prefs button[type=submit]").ClickAsync();
        await Expect(page.Locator("#prefs-status .banner.ok")).ToBeVisibleAsync();
        var saved = (await f.GetJsonAsync(org.MentorA, "/api/v1/me/notification-preferences")).GetProperty("preferences")
            .EnumerateArray().ToDictionary(p => p.GetProperty("type").GetString()!, p => p.GetProperty("enabled").GetBoolean());
        Assert.False(saved["return_date_passed"]);
        Assert.True(saved["certification_expiring"] && saved["mentor_paused"]); // the types not offered are left as they were
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }
}
