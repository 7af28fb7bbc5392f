using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// The chapter website opt-in on `/my`, keyboard only, on a 390 px phone and a desktop in both languages, axe-core clean:
/// ticking **Show my name on the chapter website** and saving puts the mentor on the chapter's public feed. The same page
/// shows the mentor's certification date and, 12 days before it (within the default warning threshold of 30), the warning.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChapterListingTests(BrowserFixture f)
{
    private static readonly Dictionary<string, string> Saved = new()
    {
        ["en-GB"] = "Your name is shown on the chapter website while you are active and certified.",
        ["nb-NO"] = "Navnet ditt vises på lokallagets nettside mens du er aktiv og sertifisert.",
    };

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task Mentor_KeyboardOnly_OptsInToTheChapterWebsite(string language, int width, int height)
    {
        var org = await f.World.StandardOrgAsync();
        var expires = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"))).AddDays(12);
        await f.SetCertificationAsync(org.MentorA, expires);
        var page = await f.SignInAsync(org.MentorA, language, width, height);
        await page.GotoAsync("/my");
        var culture = System.Globalization.CultureInfo.GetCultureInfo(language == "nb-NO" ? "nb-NO" : "en-GB");
        var date = expires.ToString(language == "nb-NO" ? "d. MMM yyyy" : "d MMM yyyy", culture);
        await Expect(page.Locator("#my-status")).ToContainTextAsync(date);
        await Expect(page.Locator("#cert-warning")).ToContainTextAsync(language == "nb-NO"
            ? $"Sertifiseringen din utløper {date} (om 12 dager)" : $"Your certification expires on {date} (in 12 days)");
        await Expect(page.Locator("#listed-publicly")).Not.ToBeCheckedAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await TabUntilAsync(page, "document.activeElement.id === 'listed-publicly'");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#listed-publicly")).ToBeCheckedAsync();
        await TabUntilAsync(page, "document.activeElement.id === 'save-listing'");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = Saved[language] })).ToBeVisibleAsync();
        await Expect(page.Locator("#listed-publicly")).ToBeCheckedAsync();
        using var anonymous = f.Server.Anonymous();
        var feed = JsonDocument.Parse(await anonymous.GetStringAsync($"/api/v1/public/chapters/{org.ChapterA}/mentors")).RootElement;
        Assert.Equal(["Mentor A"], feed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("display_name").GetString()));
        var box = await page.Locator("#listed-publicly").BoundingBoxAsync();
        Assert.True(box is { Width: >= 24, Height: >= 24 }, $"checkbox {box?.Width}×{box?.Height}");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    /// <summary>Presses Tab until the condition (JavaScript) holds, at most 80 times.</summary>
    private static async Task TabUntilAsync(IPage page, string condition)
    {
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => !!({condition})")) return;
        }
        Assert.Fail($"Tab never reached: {condition}");
    }
}
