using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// Dispatch (`/assignments/new`) with the keyboard alone: a coordinator creates one assignment, then a batch of two (a
/// row added without script), on a 390 px phone in Norwegian and at desktop width in English, axe-core clean; the board
/// then shows them. A mentor paused after the page loaded refuses the batch: the row's error sits at its field, which
/// gets the focus, every value is kept, nothing is created, and choosing another mentor succeeds.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DispatchTests(BrowserFixture f)
{
    private static readonly Dictionary<string, Dictionary<string, string>> Texts = new()
    {
        ["en-GB"] = new()
        {
            ["one"] = "1 assignment created.", ["two"] = "2 assignments created.", ["not_active"] = "This peer mentor is not active",
            ["refused"] = "Nothing was created", ["board"] = "See them on the board", ["new"] = "New assignment",
        },
        ["nb-NO"] = new()
        {
            ["one"] = "1 oppdrag opprettet.", ["two"] = "2 oppdrag opprettet.", ["not_active"] = "Denne likepersonen er ikke aktiv",
            ["refused"] = "Ingenting ble opprettet", ["board"] = "Se dem på tavlen", ["new"] = "Nytt oppdrag",
        },
    };

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task Coordinator_KeyboardOnly_DispatchesOneThenABatchOfTwoAndTheBoardShowsThem(string language, int width, int height)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, language, width, height);
        await page.GotoAsync("/board");
        await TabUntilAsync(page, "document.activeElement.id === 'new-assignment'");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/assignments/new");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // One: Mentor A (the first mentor) with Contact A, a note.
        await ChooseAsync(page, "row-0-peer_mentor_id", 1, org.MentorA);
        await ChooseAsync(page, "row-0-contact_id", 1, org.ContactA);
        await TabUntilAsync(page, "document.activeElement.id === 'row-0-notes'");
        await page.Keyboard.TypeAsync("First call on Monday");
        await TabUntilAsync(page, "document.activeElement.id === 'dispatch-submit'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["one"] })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        // A batch: Mentor A2 with Contact A, "add a row" (focus lands in the new row), Mentor A with Contact A.
        await ChooseAsync(page, "row-0-peer_mentor_id", 2, org.MentorA2);
        await ChooseAsync(page, "row-0-contact_id", 1, org.ContactA);
        await TabUntilAsync(page, "document.activeElement.id === 'add-row'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToBeFocusedAsync();
        await Expect(page.Locator("#row-0-peer_mentor_id")).ToHaveValueAsync(org.MentorA2.ToString());
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToHaveValueAsync(org.MentorA.ToString());
        await ChooseAsync(page, "row-1-contact_id", 1, org.ContactA);
        var pending = width > 600; // on the phone board only the open column may be in view
        if (pending) await ChooseAsync(page, "row-1-status", 1, "pending");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"dispatch-{language}-{width}");
        await TabUntilAsync(page, "document.activeElement.id === 'dispatch-submit'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["two"] })).ToBeVisibleAsync();

        var created = (await f.GetJsonAsync(org.CoordinatorA, "/api/v1/assignments")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, created.Count);
        var mentorA = created.Where(a => a.GetProperty("peer_mentor_id").GetGuid() == org.MentorA).OrderBy(a => a.GetProperty("mentor_assignment_sequence").GetInt32()).ToList();
        Assert.Equal([1, 2], mentorA.Select(a => a.GetProperty("mentor_assignment_sequence").GetInt32()));
        Assert.Equal("First call on Monday", mentorA[0].GetProperty("notes").GetString());
        Assert.Equal(pending ? "pending" : "open", mentorA[1].GetProperty("status").GetString());
        var batch = created.Where(a => Id(a) != Id(mentorA[0])).ToList();
        Assert.Equal(2, batch.Count);
        foreach (var a in batch) await Expect(page.Locator($"#dispatch-done a[href='/assignments/{Id(a)}']")).ToBeVisibleAsync();

        await TabUntilAsync(page, $"document.activeElement.textContent.trim() === {JsonSerializer.Serialize(t["board"])}");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/board");
        foreach (var a in created) await Expect(page.Locator($"#a-{Id(a)}")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task MentorPausedAfterThePageLoaded_RefusesTheBatchAtThatRowKeepingEveryValue(string language, int width, int height)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, language, width, height);
        await page.GotoAsync("/assignments/new");
        await ChooseAsync(page, "row-0-peer_mentor_id", 1, org.MentorA);
        await ChooseAsync(page, "row-0-contact_id", 1, org.ContactA);
        await TabUntilAsync(page, "document.activeElement.id === 'add-row'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToHaveValueAsync(org.MentorA2.ToString());
        await ChooseAsync(page, "row-1-contact_id", 1, org.ContactA);
        await TabUntilAsync(page, "document.activeElement.id === 'row-1-notes'");
        await page.Keyboard.TypeAsync("Prefers the phone");

        await f.PauseAsync(org.MentorA2, org.MentorA2, "Travelling");
        await TabUntilAsync(page, "document.activeElement.id === 'dispatch-submit'");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#dispatch-error")).ToContainTextAsync(t["refused"]);
        await Expect(page.Locator("#row-1-peer_mentor_id-error")).ToContainTextAsync(t["not_active"]);
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToBeFocusedAsync();
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToHaveValueAsync(org.MentorA2.ToString());
        await Expect(page.Locator("#row-0-peer_mentor_id")).ToHaveValueAsync(org.MentorA.ToString());
        await Expect(page.Locator("#row-1-contact_id")).ToHaveValueAsync(org.ContactA.ToString());
        await Expect(page.Locator("#row-1-notes")).ToHaveValueAsync("Prefers the phone");
        await Expect(page.Locator("#row-0-peer_mentor_id-error")).ToHaveCountAsync(0);
        Assert.Empty((await f.GetJsonAsync(org.CoordinatorA, "/api/v1/assignments")).GetProperty("items").EnumerateArray());
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // Another mentor for that row (the focus is on it): the batch goes through.
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("#row-1-peer_mentor_id")).ToHaveValueAsync(org.MentorA.ToString());
        await TabUntilAsync(page, "document.activeElement.id === 'dispatch-submit'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["two"] })).ToBeVisibleAsync();
        Assert.Equal(2, (await f.GetJsonAsync(org.CoordinatorA, "/api/v1/assignments")).GetProperty("items").GetArrayLength());
        await page.Context.CloseAsync();
    }

    /// <summary>An org admin sees every chapter (contacts grouped by chapter, a chapter filter); long names still fit 360 px.</summary>
    [Theory]
    [InlineData("nb-NO")]
    [InlineData("en-GB")]
    public async Task OrgAdmin_At360Px_ContactsGroupedByChapterAndTheChapterFilterFit(string language)
    {
        var org = await f.World.StandardOrgAsync();
        var longName = await f.World.ContactAsync(org.Id, org.ChapterB, "Kari Kontakt med et ganske langt navn som ikke får plass");
        var page = await f.SignInAsync(org.Admin, language, 360, 740);
        await page.GotoAsync("/assignments/new");
        await Expect(page.Locator("#row-0-contact_id optgroup")).ToHaveCountAsync(2);
        await Expect(page.Locator("#row-0-peer_mentor_id option[value]:not([value=''])")).ToHaveCountAsync(3);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.Locator("#chapter-filter").SelectOptionAsync(org.ChapterB.ToString());
        await page.Locator("#chapter-filter-apply").ClickAsync();
        await Expect(page.Locator("#row-0-peer_mentor_id option[value]:not([value=''])")).ToHaveCountAsync(1); // Mentor B
        await Expect(page.Locator("#row-0-contact_id option[value]:not([value=''])")).ToHaveCountAsync(2);
        await Expect(page.Locator($"#row-0-contact_id option[value='{longName}']")).ToHaveCountAsync(1);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"dispatch-admin-{language}-360");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PeerMentor_IsToldOnlyCoordinatorsDispatch()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA, "nb-NO", 390, 844);
        await page.GotoAsync("/assignments/new");
        await Expect(page.Locator("#dispatch-not-allowed")).ToBeVisibleAsync();
        await Expect(page.Locator("select")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    private static string Id(JsonElement assignment) => assignment.GetProperty("id").GetString()!;

    /// <summary>Tabs to a select and picks the option <paramref name="downs"/> steps below the first, as a keyboard user does.</summary>
    private static async Task ChooseAsync(IPage page, string id, int downs, object expected)
    {
        await TabUntilAsync(page, $"document.activeElement.id === '{id}'");
        for (var i = 0; i < downs; i++) await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Locator($"#{id}")).ToHaveValueAsync(expected.ToString()!);
    }

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
