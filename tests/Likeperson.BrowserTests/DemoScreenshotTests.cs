using Likeperson.Demo;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// The README's screenshots, taken of the demo organisation `./run.sh` loads: the board and the roster as coordinator
/// Kari Nordmann (Oslo) sees them. Written to docs/ when UPDATE_DOCS_SCREENSHOTS=1.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoScreenshotTests(BrowserFixture f)
{
    private static Guid Person(string name) => DemoData.People.Single(p => p.DisplayName == name).Id;

    [Fact]
    public async Task Demo_BoardAndRoster_AsTheDemoCoordinatorSeesThem()
    {
        await DemoData.EnsureAsync(f.Server.Worker); // Anne overdue, Lars paused by Kari, Sofie auto-paused (certificate)
        var kari = Person("Kari Nordmann");
        var page = await f.SignInAsync(kari, width: 1280, height: 860);
        await Expect(page.Locator(".board li.card").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "board", docs: true);
        await page.GotoAsync("/roster");
        await Expect(page.Locator("#roster-results li.roster-item")).ToHaveCountAsync(3);
        await BrowserFixture.ScreenshotAsync(page, "roster", docs: true);
        await page.Context.CloseAsync();

        var phone = await f.SignInAsync(kari, language: "nb-NO", width: 360, height: 740);
        await phone.GotoAsync("/roster");
        await Expect(phone.Locator("#roster-results li.roster-item")).ToHaveCountAsync(3);
        await BrowserFixture.ScreenshotAsync(phone, "roster-phone", docs: true);
        await phone.Context.CloseAsync();
    }
}
