using Dapper;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// The org admin's set-up screens, keyboard only: on a 390 px phone in Norwegian and on the desktop in English, create a
/// chapter, add a person with a membership and a certification date (they then appear in the list), change their
/// memberships, add a contact, change the settings and have a refused setting shown at its field with what was typed
/// kept; axe-core clean on every page. A coordinator gets a 403 page for the admin-only screens and their own contacts.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminTests(BrowserFixture f)
{
    private static readonly Dictionary<string, Dictionary<string, string>> Texts = new()
    {
        ["en-GB"] = new()
        {
            ["chapter"] = "The chapter Nordland is created.", ["added"] = "Kari Mentor is added.", ["roles"] = "The roles are saved.",
            ["contact"] = "Per Kontakt is added.", ["saved"] = "The settings are saved.", ["peer"] = "Peer mentor", ["coordinator"] = "Coordinator",
            ["hour"] = "An hour from 0 to 23.", ["zone"] = "Not a known time zone", ["forbidden"] = "Your role does not open this page.",
        },
        ["nb-NO"] = new()
        {
            ["chapter"] = "Lokallaget Nordland er opprettet.", ["added"] = "Kari Mentor er lagt til.", ["roles"] = "Rollene er lagret.",
            ["contact"] = "Per Kontakt er lagt til.", ["saved"] = "Innstillingene er lagret.", ["peer"] = "Likeperson", ["coordinator"] = "Koordinator",
            ["hour"] = "En time fra 0 til 23.", ["zone"] = "Ukjent tidssone", ["forbidden"] = "Rollen din gir ikke tilgang til denne siden.",
        },
    };

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task OrgAdmin_KeyboardOnly_SetsUpChaptersPeopleContactsAndSettings(string language, int width, int height)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.Admin, language, width, height);

        await page.GotoAsync("/admin");
        await AssertPageAsync(page, "admin-index");

        // A chapter.
        await page.GotoAsync("/admin/chapters");
        await TabUntilAsync(page, "document.activeElement.id === 'name'");
        await page.Keyboard.TypeAsync("Nordland");
        await TabUntilAsync(page, "document.activeElement.id === 'create-chapter'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["chapter"] })).ToBeVisibleAsync();
        await Expect(page.Locator("#chapters h3").Filter(new() { HasText = "Nordland" })).ToHaveCountAsync(1);
        await AssertPageAsync(page, "admin-chapters");

        // A person: peer mentor in chapter A, with a certification date.
        var expiry = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(2);
        await page.GotoAsync("/admin/people");
        await TabUntilAsync(page, "document.activeElement.matches('#add-person > summary')");
        await page.Keyboard.PressAsync("Enter");
        await TabUntilAsync(page, "document.activeElement.id === 'display-name'");
        await page.Keyboard.TypeAsync("Kari Mentor");
        await TabUntilAsync(page, $"document.activeElement.id === 'm-{org.ChapterA}-peer_mentor'");
        await page.Keyboard.PressAsync("Space");
        await TabUntilAsync(page, "document.activeElement.id === 'certification'");
        await page.Keyboard.TypeAsync(expiry.ToString("MMddyyyy")); // Chromium lays the date out month, day, year here
        await AssertPageAsync(page, "admin-people-add");
        await TabUntilAsync(page, "document.activeElement.id === 'add-person-submit'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["added"] })).ToBeVisibleAsync();
        var card = page.Locator("#people li").Filter(new() { HasText = "Kari Mentor" });
        await Expect(card).ToContainTextAsync(t["peer"]);
        var person = await PersonAsync(org.Id, "Kari Mentor");
        Assert.Equal(expiry, person.Certification);
        await AssertPageAsync(page, "admin-people");

        // Their memberships: also coordinator of chapter B.
        await TabUntilAsync(page, $"document.activeElement.getAttribute('href') === '/admin/people/{person.Id}'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToContainTextAsync("Kari Mentor");
        await TabUntilAsync(page, $"document.activeElement.id === 'm-{org.ChapterB}-coordinator'");
        await page.Keyboard.PressAsync("Space");
        await TabUntilAsync(page, "document.activeElement.id === 'save-memberships'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["roles"] })).ToBeVisibleAsync();
        await Expect(page.Locator("#details-heading + dl")).ToContainTextAsync(t["coordinator"]);
        Assert.Equal(2, await MembershipsAsync(person.Id));
        await AssertPageAsync(page, "admin-person");

        // A contact in the new chapter.
        await page.GotoAsync("/admin/contacts");
        await TabUntilAsync(page, "document.activeElement.id === 'display-name'");
        await page.Keyboard.TypeAsync("Per Kontakt");
        await TabUntilAsync(page, "document.activeElement.id === 'chapter'");
        await page.Keyboard.TypeAsync("Nordland"); // a select's type-ahead
        await TabUntilAsync(page, "document.activeElement.id === 'add-contact'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["contact"] })).ToBeVisibleAsync();
        await Expect(page.Locator("#contacts li").Filter(new() { HasText = "Per Kontakt" })).ToContainTextAsync("Nordland");
        await AssertPageAsync(page, "admin-contacts");

        // Settings: refused at their fields with the typed values kept, then saved.
        await page.GotoAsync("/admin/settings");
        await AssertPageAsync(page, "admin-settings");
        await TabUntilAsync(page, "document.activeElement.id === 'digest-hour'");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("25");
        await TabUntilAsync(page, "document.activeElement.id === 'timezone'");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Mars/Olympus");
        await TabUntilAsync(page, "document.activeElement.id === 'save-settings'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#digest-hour-error")).ToHaveTextAsync(t["hour"]);
        await Expect(page.Locator("#timezone-error")).ToContainTextAsync(t["zone"]);
        await Expect(page.Locator("#digest-hour")).ToBeFocusedAsync();
        await Expect(page.Locator("#digest-hour")).ToHaveValueAsync("25");
        await Expect(page.Locator("#timezone")).ToHaveValueAsync("Mars/Olympus");
        await AssertPageAsync(page, "admin-settings-refused");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("6");
        await TabUntilAsync(page, "document.activeElement.id === 'timezone'");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Europe/Helsinki");
        await TabUntilAsync(page, "document.activeElement.id === 'push-includes-reason'");
        await page.Keyboard.PressAsync("Space");
        await TabUntilAsync(page, "document.activeElement.id === 'save-settings'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["saved"] })).ToBeVisibleAsync();
        var settings = (await f.GetJsonAsync(org.Admin, $"/api/v1/organizations/{org.Id}")).GetProperty("settings");
        Assert.Equal((6, "Europe/Helsinki", true), (settings.GetProperty("digest_hour").GetInt32(), settings.GetProperty("timezone").GetString(),
            settings.GetProperty("push_includes_reason").GetBoolean()));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task Coordinator_AdminOnlyPageIs403_ContactsOfTheirChapterOnly(string language, int width, int height)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, language, width, height);

        var response = await page.GotoAsync("/admin/settings");
        Assert.Equal(403, response!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(t["forbidden"]);
        await Expect(page.Locator("form.admin-form")).ToHaveCountAsync(0);
        await AssertPageAsync(page, "admin-forbidden");

        await page.GotoAsync("/admin/contacts");
        await Expect(page.Locator("#contacts li")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Contact A")]);
        await Expect(page.Locator("#chapter option")).ToHaveCountAsync(1); // only the chapter they coordinate
        await AssertPageAsync(page, "admin-contacts-coordinator");
        await page.Context.CloseAsync();
    }

    private async Task<(Guid Id, DateOnly? Certification)> PersonAsync(Guid org, string name)
    {
        await using var conn = await f.Server.Worker.OpenConnectionAsync();
        return await conn.QuerySingleAsync<(Guid, DateOnly?)>("""
            SELECT p.id, m.certification_expires_at FROM people p LEFT JOIN peer_mentors m ON m.id = p.id
            WHERE p.organization_id = @org AND p.display_name = @name
            """, new { org, name });
    }

    private async Task<int> MembershipsAsync(Guid person)
    {
        await using var conn = await f.Server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM chapter_memberships WHERE person_id = @person", new { person });
    }

    private static async Task AssertPageAsync(IPage page, string screenshot)
    {
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        var size = page.ViewportSize!;
        await BrowserFixture.ScreenshotAsync(page, $"{screenshot}-{size.Width}");
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
