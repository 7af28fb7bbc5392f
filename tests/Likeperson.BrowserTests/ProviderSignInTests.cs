using System.Text.RegularExpressions;
using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// Sign-in through the real OpenID Connect test provider (oidc-provider) in Chromium, keyboard only, at desktop width and on
/// a 390 px phone, in English and Norwegian, axe-core clean on our pages: the sign-in button, the provider's login and
/// consent, and back as the right person where they were going; an unlinked identity sees the invitation explanation.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProviderSignInTests(BrowserFixture f, ProviderServer server) : IClassFixture<ProviderServer>
{
    public static async Task<IPage> OpenAsync(BrowserFixture f, ProviderServer server, string language, int width)
    {
        var context = await f.Browser.NewContextAsync(new()
        {
            BaseURL = server.BaseAddress.ToString().TrimEnd('/'), Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
            ViewportSize = new() { Width = width, Height = 800 },
        });
        context.SetDefaultTimeout(20_000);
        await context.RouteAsync("**/fonts.googleapis.com/**", route => route.AbortAsync()); // the provider's dev pages ask for a web font
        return await context.NewPageAsync();
    }

    /// <summary>On the provider's development login and consent pages (their own autofocus): type the login, then continue.</summary>
    public static async Task SignInAtProviderAsync(IPage page, string login)
    {
        await Expect(page.Locator("input[name=login]")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(login);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("any password");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Continue" })).ToBeFocusedAsync(); // consent
        await page.Keyboard.PressAsync("Enter");
    }

    public static async Task TabUntilAsync(IPage page, string condition)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => !!({condition})")) return;
        }
        Assert.Fail($"Tab never reached: {condition}");
    }

    [Theory]
    [InlineData("en-GB", 1280)]
    [InlineData("nb-NO", 390)]
    public async Task SignIn_KeyboardOnly_ThroughTheProvider_LandsAsThePersonWhereTheyWereGoing(string language, int width)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var login = $"mentor-{Guid.NewGuid():N}";
        await server.LinkAsync(org.MentorA, login);
        var page = await OpenAsync(f, server, language, width);
        await page.GotoAsync("/my");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fmy$"));
        var button = language == "nb-NO" ? "Logg inn med Test ID" : "Sign in with Test ID";
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = button })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Textbox)).ToHaveCountAsync(1); // the tests' host keeps token pasting (Development and Testing only)
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);

        await TabUntilAsync(page, "document.activeElement.id === 'provider-signin'");
        await page.Keyboard.PressAsync("Enter");
        await SignInAtProviderAsync(page, login);

        await Expect(page).ToHaveURLAsync(new Regex("/my$"));
        await Expect(page.Locator("header")).ToContainTextAsync("Mentor A");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"provider-signin-{language}-{width}");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-GB", 1280)]
    [InlineData("nb-NO", 390)]
    public async Task SignIn_UnlinkedIdentity_SeesHowToGetAnInvitationAndNoData(string language, int width)
    {
        var page = await OpenAsync(f, server, language, width);
        await page.GotoAsync("/signin");
        await TabUntilAsync(page, "document.activeElement.id === 'provider-signin'");
        await page.Keyboard.PressAsync("Enter");
        await SignInAtProviderAsync(page, $"stranger-{Guid.NewGuid():N}");

        await Expect(page).ToHaveURLAsync(new Regex("/signin/unlinked$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 }))
            .ToHaveTextAsync(language == "nb-NO" ? "Du er ikke invitert ennå" : "You are not invited yet");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = language == "nb-NO" ? "Hovedmeny" : "Main" })).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"signin-unlinked-{language}-{width}");
        await page.GotoAsync("/board");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fboard$"));
        await page.Context.CloseAsync();
    }
}
