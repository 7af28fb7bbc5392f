using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class PeerMentorTests(BrowserFixture f)
{
    [Fact]
    public async Task Pause_KeyboardOnly_DialogLimitsTheReasonTrapsFocusAndPauses()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA, width: 360, height: 740);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My page", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // Keyboard only from here: Tab to the toggle, Enter, type, Tab to the confirm button, Enter.
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Take a pause" });
        await TabUntilAsync(page, "pause-toggle", insideDialog: false);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Take a pause" });
        await Expect(dialog).ToBeVisibleAsync();
        var reason = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason (optional)" });
        await Expect(reason).ToBeFocusedAsync();

        // Escape closes and returns focus to the toggle; open again.
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(toggle).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(reason).ToBeFocusedAsync();

        await page.Keyboard.TypeAsync(new string('x', 190));
        await Expect(dialog.Locator("#reason-counter")).ToHaveTextAsync("190 of 200 characters");
        await page.Keyboard.TypeAsync(new string('y', 15)); // 205 typed, the field takes 200
        await Expect(dialog.Locator("#reason-counter")).ToHaveTextAsync("200 of 200 characters");
        Assert.Equal(200, (await reason.InputValueAsync()).Length);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "pause-dialog-phone");

        // Focus stays inside the modal dialog while tabbing (through the date's fields) to the confirm button.
        await TabUntilAsync(page, "confirm-pause", insideDialog: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "You are now paused." })).ToBeVisibleAsync();
        await Expect(page.Locator("#status-heading .badge")).ToHaveTextAsync("Paused");

        var mentor = await f.GetJsonAsync(org.MentorA, $"/api/v1/mentors/{org.MentorA}");
        Assert.Equal("paused", mentor.GetProperty("status").GetString());
        Assert.Equal(new string('x', 190) + new string('y', 10), mentor.GetProperty("current_pause").GetProperty("pause_reason").GetString());
        await page.Context.CloseAsync();
    }


    [Fact]
    public async Task MyPage_CoordinatorAssignsAContact_TheAssignmentAppearsWithoutReload()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA);
        await Expect(page.Locator("#my-assignments")).ToContainTextAsync("No assignments.");
        await Expect(page.Locator("body[data-stream=open]")).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => window.__sameDocument = true");
        using var coordinator = f.Server.As(org.CoordinatorA);
        await (await coordinator.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = org.ContactA }))
            .ReadAsync<System.Text.Json.JsonElement>(201);
        await Expect(page.Locator("#my-assignments li.card")).ToContainTextAsync("Contact A", new() { Timeout = 5000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
        await page.Context.CloseAsync();
    }

    /// <summary>Presses Tab until the element with the id has focus (at most 40 times); inside a dialog, focus must never leave it.</summary>
    private static async Task TabUntilAsync(IPage page, string id, bool insideDialog)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (insideDialog)
                Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('pause-dialog').contains(document.activeElement)"),
                    "focus left the dialog");
            if (await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''") == id) return;
        }
        Assert.Fail($"Tab never reached #{id}");
    }
}
