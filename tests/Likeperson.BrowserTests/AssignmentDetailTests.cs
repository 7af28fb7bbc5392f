using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// The assignment page (`/assignments/{id}`), keyboard only, on a 390 px phone in Norwegian and on a desktop in English,
/// axe-core clean: a coordinator's refused contact (in the future) shows the error at the field with the values kept, then
/// records it, moves the assignment forward and completes it; the page follows changes made elsewhere; a mentor records
/// a contact from `/my`; the board flags an assignment without recent contact in text.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AssignmentDetailTests(BrowserFixture f)
{
    private static readonly Dictionary<string, Dictionary<string, string>> Texts = new()
    {
        ["en-GB"] = new()
        {
            ["future"] = "it may not be in the future", ["recorded"] = "The contact is recorded.",
            ["pending"] = "The assignment now waits for follow-up (Pending).", ["completed"] = "The assignment is closed (Completed).",
            ["status.pending"] = "Pending", ["status.completed"] = "Completed", ["overdue"] = "Contact overdue", ["changed"] = "Someone else changed",
            ["measures"] = "45 min · Phone",
        },
        ["nb-NO"] = new()
        {
            ["future"] = "tidspunktet kan ikke være fram i tid", ["recorded"] = "Kontakten er registrert.",
            ["pending"] = "Oppdraget venter nå på oppfølging (Venter).", ["completed"] = "Oppdraget er avsluttet (Fullført).",
            ["status.pending"] = "Venter", ["status.completed"] = "Fullført", ["overdue"] = "Kontakt på overtid", ["changed"] = "Noen andre endret",
            ["measures"] = "45 min · Telefon",
        },
    };

    private static DateOnly OsloToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo")));

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task Coordinator_KeyboardOnly_RefusedThenRecordsAContactMovesForwardAndCompletes(string language, int width, int height)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        var assignment = await f.World.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, sequence: 1);
        var page = await f.SignInAsync(org.CoordinatorA, language, width, height);
        await page.GotoAsync($"/assignments/{assignment}");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"assignment-open-{language}-{width}");

        // A contact dated in the future: refused next to the date and time, which keep what was typed, focus on the date.
        var future = OsloToday.AddDays(2);
        await TabUntilAsync(page, "document.activeElement.id === 'occurred-date'");
        await TypeDateAsync(page, future);
        await TabUntilAsync(page, "document.activeElement.id === 'activity-note'");
        await page.Keyboard.TypeAsync("Første samtale");
        await TabUntilAsync(page, "document.activeElement.id === 'confirm-record'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#occurred-error")).ToContainTextAsync(t["future"]);
        await Expect(page.Locator("#occurred-date")).ToBeFocusedAsync();
        await Expect(page.Locator("#occurred-date")).ToHaveValueAsync(future.ToString("yyyy-MM-dd"));
        await Expect(page.Locator("#activity-note")).ToHaveValueAsync("Første samtale");
        await Expect(page.Locator("#occurred-date")).ToHaveAttributeAsync("aria-describedby", "occurred-error");
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Equal(JsonValueKind.Null, (await AssignmentAsync(org, assignment)).GetProperty("last_contact_date").ValueKind);

        // Today instead, with its duration and mode: recorded, and the last contact and the history show it.
        await TypeDateAsync(page, OsloToday);
        await TabUntilAsync(page, "document.activeElement.id === 'activity-duration'");
        await page.Keyboard.TypeAsync("45");
        await TabUntilAsync(page, "document.activeElement.id === 'activity-mode'");
        for (var i = 0; i < 6 && await page.Locator("#activity-mode").InputValueAsync() != "phone"; i++)
            await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Locator("#activity-mode")).ToHaveValueAsync("phone");
        await TabUntilAsync(page, "document.activeElement.id === 'confirm-record'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["recorded"] })).ToBeVisibleAsync();
        var recorded = await AssignmentAsync(org, assignment);
        Assert.NotEqual(JsonValueKind.Null, recorded.GetProperty("last_contact_date").ValueKind);
        await Expect(page.Locator("#last-contact")).Not.ToHaveTextAsync("–");
        await Expect(page.Locator("#assignment-history")).ToContainTextAsync("Første samtale");
        await Expect(page.Locator("#assignment-history .measures").First).ToHaveTextAsync(t["measures"]);
        var activity = (await f.GetJsonAsync(org.Admin, $"/api/v1/assignments/{assignment}/activities")).GetProperty("items")[0];
        Assert.Equal((45, 1, "phone"), (activity.GetProperty("duration_minutes").GetInt32(), activity.GetProperty("participants").GetInt32(),
            activity.GetProperty("mode").GetString()));

        // Move forward, then complete.
        await TabUntilAsync(page, "document.activeElement.id === 'move-pending'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["pending"] })).ToBeVisibleAsync();
        await Expect(page.Locator("#assignment-status")).ToHaveTextAsync(t["status.pending"]);
        await TabUntilAsync(page, "document.activeElement.id === 'move-completed'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["completed"] })).ToBeVisibleAsync();
        await Expect(page.Locator("#assignment-status")).ToHaveTextAsync(t["status.completed"]);
        await Expect(page.Locator("#closed-at")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-record, #status-form, #notes-form")).ToHaveCountAsync(0);
        Assert.Equal("completed", (await AssignmentAsync(org, assignment)).GetProperty("status").GetString());
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"assignment-{language}-{width}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Page_ChangedThroughTheApi_RefreshesItself_OrOffersTheCurrentStateWhileAFormIsBeingFilledIn()
    {
        var org = await f.World.StandardOrgAsync();
        var assignment = await f.World.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, sequence: 1);
        var page = await f.SignInAsync(org.CoordinatorA);
        await page.GotoAsync($"/assignments/{assignment}");
        await Expect(page.Locator("body[data-stream=open]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        using var admin = f.Server.As(org.Admin);

        (await admin.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { notes = "Prefers phone calls" }))).EnsureSuccessStatusCode();
        await Expect(page.Locator("#assignment-notes")).ToHaveTextAsync("Prefers phone calls", new() { Timeout = 5000 });

        await page.Locator("#activity-note").FillAsync("Half written");
        await page.Locator("#activity-note").DispatchEventAsync("input");
        (await admin.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { status = "pending" }))).EnsureSuccessStatusCode();
        await Expect(page.Locator("#assignment-changed")).ToBeVisibleAsync(new() { Timeout = 5000 });
        await Expect(page.Locator("#assignment-changed")).ToContainTextAsync(Texts["en-GB"]["changed"]);
        await Expect(page.Locator("#activity-note")).ToHaveValueAsync("Half written");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-GB", 390, 844)]
    [InlineData("nb-NO", 1280, 900)]
    public async Task Mentor_FromMyPage_RecordsAContactByKeyboard(string language, int width, int height)
    {
        var t = Texts[language];
        var org = await f.World.StandardOrgAsync();
        var assignment = await f.World.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, sequence: 1);
        var page = await f.SignInAsync(org.MentorA, language, width, height);
        await page.GotoAsync("/my");
        await BrowserFixture.AssertAccessibleAsync(page);

        await TabUntilAsync(page, $"document.activeElement.id === 'record-{assignment}'");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/assignments/{assignment}#record");
        await Expect(page.Locator("#move-pending, #notes-form")).ToHaveCountAsync(0); // the mentor records; coordinators move it on
        await TabUntilAsync(page, "document.activeElement.id === 'activity-note'");
        await page.Keyboard.TypeAsync("Phoned, all well");
        await TabUntilAsync(page, "document.activeElement.id === 'confirm-record'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = t["recorded"] })).ToBeVisibleAsync();
        await Expect(page.Locator("#assignment-history")).ToContainTextAsync("Phoned, all well");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GotoAsync("/my");
        await Expect(page.Locator($"#a-{assignment} dd").Nth(1)).Not.ToHaveTextAsync("–");
        Assert.NotEqual(JsonValueKind.Null, (await AssignmentAsync(org, assignment)).GetProperty("last_contact_date").ValueKind);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-GB", 1280, 900)]
    [InlineData("nb-NO", 390, 844)]
    public async Task Board_AnAssignmentWithoutContactPastTheThreshold_IsFlaggedInText(string language, int width, int height)
    {
        var org = await f.World.StandardOrgAsync();
        var old = await AssignmentCreatedAsync(org, org.MentorA, org.ContactA, DateTimeOffset.UtcNow.AddDays(-15));
        var fresh = await AssignmentCreatedAsync(org, org.MentorA2, org.ContactA, DateTimeOffset.UtcNow.AddDays(-2));
        var page = await f.SignInAsync(org.CoordinatorA, language, width, height);
        await page.GotoAsync("/board");

        await Expect(page.Locator($"#a-{old} .badge.overdue")).ToHaveTextAsync(Texts[language]["overdue"]);
        await Expect(page.Locator($"#a-{fresh} .badge.overdue")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#a-{old} h3 a")).ToHaveAttributeAsync("href", $"/assignments/{old}");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Locator($"#a-{old} h3 a").ClickAsync();
        await Expect(page.Locator("#overdue-banner")).ToContainTextAsync(Texts[language]["overdue"]);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    private async Task<JsonElement> AssignmentAsync(Org org, Guid assignment) => await f.GetJsonAsync(org.Admin, $"/api/v1/assignments/{assignment}");

    /// <summary>An assignment created at <paramref name="createdAt"/> (time having passed since), written as the worker.</summary>
    private async Task<Guid> AssignmentCreatedAsync(Org org, Guid mentor, Guid contact, DateTimeOffset createdAt)
    {
        await using var conn = await f.Server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence, created_at)
            SELECT @mentor, c.id, c.organization_id, c.chapter_id, 'open', (SELECT count(*) + 1 FROM assignments WHERE peer_mentor_id = @mentor), @createdAt
            FROM contacts c WHERE c.id = @contact RETURNING id
            """, new { mentor, contact, createdAt });
    }

    /// <summary>Types a date into the focused date field segment by segment (Chromium's own UI locale: month, day, year).</summary>
    private static Task TypeDateAsync(IPage page, DateOnly date) => page.Keyboard.TypeAsync(date.ToString("MMddyyyy"));

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
