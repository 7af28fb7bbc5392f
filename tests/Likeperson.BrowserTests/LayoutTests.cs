using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>Language, landmarks, keyboard basics and the phone layout, across every screen.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LayoutTests(BrowserFixture f)
{
    [Fact]
    public async Task Language_FromTheBrowser_IsNorwegianAndSwitchesToEnglish()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, language: "nb-NO");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nb");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Oppdrag", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Pauseliste" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/board$"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assignments", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "English" })).ToHaveAttributeAsync("aria-pressed", "true");

        await page.GotoAsync("/notifications"); // the choice sticks (cookie) although the browser still prefers Norwegian
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notifications", Level = 1 })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/board")]
    [InlineData("/roster")]
    [InlineData("/notifications")]
    [InlineData("/preferences")]
    [InlineData("/mentors/{mentor}")]
    public async Task Screen_CoordinatorAtPhoneAndDesktopWidths_HasNoSeriousAxeViolationsAndNoSidewaysScroll(string path)
    {
        var org = await f.World.StandardOrgAsync();
        var contact = await f.World.ContactAsync(org.Id, org.ChapterA, "Kari Kontakt med et ganske langt navn");
        await f.World.AssignmentRowAsync(org.Id, org.MentorA, contact, 1);
        await f.PauseAsync(org.MentorA2, org.MentorA2, "Eksamen", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14));
        await f.NotificationsAsync(org.CoordinatorA, 1);
        var url = path.Replace("{mentor}", org.MentorA2.ToString());
        var name = path.Trim('/').Split('/')[0];
        foreach (var (width, height, label) in new[] { (360, 740, "phone"), (1280, 900, "desktop") })
        {
            var page = await f.SignInAsync(org.CoordinatorA, width: width, height: height);
            await page.GotoAsync(url);
            await Expect(page.GetByRole(AriaRole.Main)).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
            await Expect(page.Locator("h1")).ToHaveCountAsync(1);
            await BrowserFixture.AssertAccessibleAsync(page);
            await BrowserFixture.AssertNoHorizontalScrollAsync(page);
            await BrowserFixture.ScreenshotAsync(page, $"{name}-{label}");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task MyPage_PeerMentorAtPhoneAndDesktopWidths_HasNoSeriousAxeViolationsAndNoSidewaysScroll()
    {
        var org = await f.World.StandardOrgAsync();
        await f.World.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, 1);
        foreach (var (width, height, label) in new[] { (360, 740, "phone"), (1280, 900, "desktop") })
        {
            var page = await f.SignInAsync(org.MentorA, width: width, height: height);
            await Expect(page).ToHaveURLAsync(new Regex("/my$"));
            await Expect(page.Locator("#my-assignments li.card")).ToHaveCountAsync(1);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Paused roster" })).ToHaveCountAsync(0); // not a coordinator's screen
            await BrowserFixture.AssertAccessibleAsync(page);
            await BrowserFixture.AssertNoHorizontalScrollAsync(page);
            await BrowserFixture.ScreenshotAsync(page, $"my-{label}");
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Keyboard_SkipLinkAndEveryControl_HaveNamesAndVisibleFocus()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync("/preferences");
        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
        await Expect(skip).ToBeFocusedAsync();
        var outline = await skip.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle");
        Assert.NotEqual("none", outline);
        // Every interactive element has an accessible name (axe checks it too; this is the explicit statement).
        var unnamed = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea')]
                .filter(e => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim() || e.getAttribute('aria-labelledby')))
                .map(e => e.outerHTML.slice(0, 80))
            """);
        Assert.Empty(unnamed);
        await page.Context.CloseAsync();
    }
}
