using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// The actions on the mentor page, keyboard only, on a 390 px phone, in English and Norwegian, with axe-core clean:
/// a coordinator pauses (reason and return date), reactivates and deactivates (reason required); renews an expired
/// certification, after which reactivation is offered; the mentor themself is offered only pause and reactivate.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MentorActionTests(BrowserFixture f)
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static readonly Dictionary<string, Dictionary<string, string>> Texts = new()
    {
        ["en-GB"] = new()
        {
            ["paused"] = "The mentor is now paused.", ["reactivated"] = "The mentor is active again.", ["deactivated"] = "The mentor is deactivated.",
            ["certified"] = "The certification date is saved.", ["reason_error"] = "Give a reason for the deactivation",
            ["sorted"] = "Name",
        },
        ["nb-NO"] = new()
        {
            ["paused"] = "Likepersonen er nå på pause.", ["reactivated"] = "Likepersonen er aktiv igjen.", ["deactivated"] = "Likepersonen er deaktivert.",
            ["certified"] = "Sertifiseringsdatoen er lagret.", ["reason_error"] = "Oppgi en årsak til deaktiveringen",
            ["sorted"] = "Navn",
        },
    };

    [Theory]
    [InlineData("en-GB")]
    [InlineData("nb-NO")]
    public async Task Coordinator_KeyboardOnlyOnAPhone_PausesReactivatesAndDeactivatesWithARequiredReason(string language)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, language, width: 390, height: 844);
        await page.GotoAsync($"/mentors/{org.MentorA}");

        // Pause: open the form from its summary, type a reason and a return date, confirm.
        await TabUntilAsync(page, "document.activeElement.matches('#pause-form > summary')");
        await page.Keyboard.PressAsync("Enter");
        await TabUntilAsync(page, "document.activeElement.id === 'pause-reason'");
        await page.Keyboard.TypeAsync("Knee surgery");
        var back = Today.AddDays(14);
        await TabUntilAsync(page, "document.activeElement.id === 'pause-return'");
        await TypeDateAsync(page, back);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await TabUntilAsync(page, "document.activeElement.id === 'confirm-pause'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["paused"] })).ToBeVisibleAsync();
        var mentor = await f.GetJsonAsync(org.CoordinatorA, $"/api/v1/mentors/{org.MentorA}");
        Assert.Equal("paused", mentor.GetProperty("status").GetString());
        Assert.Equal("Knee surgery", mentor.GetProperty("current_pause").GetProperty("pause_reason").GetString());
        Assert.Equal(back.ToString("yyyy-MM-dd"), mentor.GetProperty("current_pause").GetProperty("expected_return_date").GetString());

        // Reactivate.
        await TabUntilAsync(page, "document.activeElement.id === 'reactivate'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["reactivated"] })).ToBeVisibleAsync();

        // Deactivate: a blank reason is refused next to the field, which gets the focus; then a real one.
        await TabUntilAsync(page, "document.activeElement.matches('#deactivate-form > summary')");
        await page.Keyboard.PressAsync("Enter");
        await TabUntilAsync(page, "document.activeElement.id === 'deactivate-reason'");
        await page.Keyboard.TypeAsync("   ");
        await TabUntilAsync(page, "document.activeElement.id === 'confirm-deactivate'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#deactivate-reason-error")).ToContainTextAsync(t["reason_error"]);
        await Expect(page.Locator("#deactivate-reason")).ToBeFocusedAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Moved away");
        await TabUntilAsync(page, "document.activeElement.id === 'confirm-deactivate'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["deactivated"] })).ToBeVisibleAsync();
        Assert.Equal("inactive", (await f.GetJsonAsync(org.CoordinatorA, $"/api/v1/mentors/{org.MentorA}")).GetProperty("status").GetString());
        await Expect(page.Locator("#deactivate-form")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-GB")]
    [InlineData("nb-NO")]
    public async Task Coordinator_ExpiredCertification_RenewsByKeyboardThenReactivates(string language)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        await f.ExpireCertificationAsync(org.MentorA);
        var page = await f.SignInAsync(org.CoordinatorA, language, width: 390, height: 844);
        await page.GotoAsync($"/mentors/{org.MentorA}");
        await Expect(page.Locator("#reactivate")).ToHaveCountAsync(0);
        await Expect(page.Locator("#cert-blocks")).ToBeVisibleAsync();
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        var renewed = Today.AddYears(2);
        await TabUntilAsync(page, "document.activeElement.id === 'expires-at'");
        await TypeDateAsync(page, renewed);
        await TabUntilAsync(page, "document.activeElement.id === 'confirm-renew'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["certified"] })).ToBeVisibleAsync();
        var mentor = await f.GetJsonAsync(org.CoordinatorA, $"/api/v1/mentors/{org.MentorA}");
        Assert.Equal(renewed.ToString("yyyy-MM-dd"), mentor.GetProperty("certification_expires_at").GetString());

        await TabUntilAsync(page, "document.activeElement.id === 'reactivate'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["reactivated"] })).ToBeVisibleAsync();
        Assert.Equal("active", (await f.GetJsonAsync(org.CoordinatorA, $"/api/v1/mentors/{org.MentorA}")).GetProperty("status").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheMentorThemself_SeesPauseButNoCoordinatorActions()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA, "nb-NO", width: 390, height: 844);
        await page.GotoAsync($"/mentors/{org.MentorA}");
        await Expect(page.Locator("#pause-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#deactivate-form, #certification-form")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-GB")]
    [InlineData("nb-NO")]
    public async Task Roster_SortByNameByKeyboard_OverdueFirstThenByName(string language)
    {
        var org = await f.World.StandardOrgAsync();
        await f.PauseAsync(org.MentorA2, org.MentorA2, null, Today.AddDays(9));
        await f.PauseAsync(org.MentorA, org.MentorA, "Travelling", Today.AddDays(5));
        await f.PauseAsync(org.MentorB, org.MentorB, null, Today.AddDays(5));
        await f.ExpectedReturnAsync(org.MentorB, Today.AddDays(-1)); // overdue
        var page = await f.SignInAsync(org.Admin, language, width: 390, height: 844);
        await page.GotoAsync("/roster");
        var cards = page.Locator("#roster-results li.roster-item h2");
        await Expect(cards).ToHaveTextAsync(["Mentor B", "Mentor A", "Mentor A2"]); // overdue, then newest pause first

        await TabUntilAsync(page, "document.activeElement.id === 'sort'");
        await page.Keyboard.TypeAsync(Texts[language]["sorted"][..1]); // the option starting with N: Name / Navn
        await Expect(page).ToHaveURLAsync(new Regex("sort=name"));
        await Expect(cards).ToHaveTextAsync(["Mentor B", "Mentor A", "Mentor A2"]);
        await page.GotoAsync("/roster?sort=expected_return");
        await Expect(cards).ToHaveTextAsync(["Mentor B", "Mentor A", "Mentor A2"]);
        await f.ExpectedReturnAsync(org.MentorA, Today.AddDays(30));
        await page.ReloadAsync();
        await Expect(cards).ToHaveTextAsync(["Mentor B", "Mentor A2", "Mentor A"]);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Types a date into the focused date field segment by segment. Chromium lays the field out in its own UI locale
    /// (month, day, year here, whatever the page's language), so the test types in that order.
    /// </summary>
    private static Task TypeDateAsync(IPage page, DateOnly date) => page.Keyboard.TypeAsync(date.ToString("MMddyyyy"));

    /// <summary>Presses Tab until the condition (JavaScript) holds, at most 60 times.</summary>
    private static async Task TabUntilAsync(IPage page, string condition)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => !!({condition})")) return;
        }
        Assert.Fail($"Tab never reached: {condition}");
    }
}
