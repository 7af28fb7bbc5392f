using System.Globalization;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>A coordinator who uses the UI in Norwegian gets their notifications in Norwegian, dates included.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationLanguageTests(BrowserFixture f)
{
    [Fact]
    public async Task Centre_CoordinatorSignedInInNorwegian_ReadsTheNextPauseInNorwegian()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, "nb-NO", width: 390, height: 844); // the first sign-in records nb
        var back = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);
        await f.PauseAsync(org.MentorA, org.MentorA, "Familie", back);
        var items = await f.NotificationsAsync(org.CoordinatorA, 1);
        var id = items[0].GetProperty("id").GetString();

        await page.GotoAsync("/notifications");
        var card = page.Locator($"#n-{id}");
        await Expect(card).ToContainTextAsync("Likeperson på pause");
        await Expect(card).ToContainTextAsync($"Forventet tilbake {back.ToString("d. MMMM yyyy", CultureInfo.GetCultureInfo("nb-NO"))}.");
        await Expect(card).ToContainTextAsync("Årsak: Familie");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }
}
