using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture f)
{
    [Fact]
    public async Task SignIn_ValidToken_LandsCoordinatorOnTheBoard()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/board$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assignments", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("header")).ToContainTextAsync("Coordinator A");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignIn_BadToken_IsRefusedWithAnAlert()
    {
        var context = await f.Browser.NewContextAsync(new() { BaseURL = f.Server.BaseAddress.ToString().TrimEnd('/') });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Access token" }).FillAsync("not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "signin-desktop");
        await page.GotoAsync("/board");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl=%2Fboard"));
        await context.CloseAsync();
    }

    [Fact]
    public async Task SignIn_FromADeepLink_ReturnsThereAfterSigningIn()
    {
        var org = await f.World.StandardOrgAsync();
        var context = await f.Browser.NewContextAsync(new() { BaseURL = f.Server.BaseAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = 360, Height = 740 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/mentors/{org.MentorA}"); // e.g. a notification's deep link
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "signin-phone");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Access token" }).FillAsync(f.Server.Token(org.CoordinatorA.ToString()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/mentors/{org.MentorA}$"));
        await Expect(page.Locator("h1")).ToContainTextAsync("Mentor A");
        await context.CloseAsync();
    }
}
