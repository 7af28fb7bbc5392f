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

        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Take a pause" });
        await toggle.FocusAsync();
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

        // Focus stays inside the modal dialog while tabbing.
        for (var i = 0; i < 6; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('pause-dialog').contains(document.activeElement)"),
                "focus left the dialog");
        }
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm pause" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "You are now paused." })).ToBeVisibleAsync();
        await Expect(page.Locator("#status-heading .badge")).ToHaveTextAsync("Paused");

        var mentor = await f.GetJsonAsync(org.MentorA, $"/api/v1/mentors/{org.MentorA}");
        Assert.Equal("paused", mentor.GetProperty("status").GetString());
        Assert.Equal(new string('x', 190) + new string('y', 10), mentor.GetProperty("current_pause").GetProperty("pause_reason").GetString());
        await page.Context.CloseAsync();
    }

}
