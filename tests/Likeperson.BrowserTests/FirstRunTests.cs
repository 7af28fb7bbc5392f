using System.Text.RegularExpressions;
using Likeperson.Demo;
using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>The server as `./run.sh` starts it as far as sign-in goes: Development, the demo system admin configured.</summary>
public sealed class DemoSystemAdminServer : TestServer
{
    protected override string Environment => "Development";
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Auth:SystemAdmins"] = DemoApi.SystemAdminSubject };
}

/// <summary>
/// The first run of a fresh deployment in the browser, keyboard only, on a 390 px phone in Norwegian and on a desktop in
/// English, axe-core clean: the demo system admin signs in, creates an organisation with its first org admin (a blank
/// name is refused next to the field first) and sees both ids; the admin's id is a person the API knows as org admin.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class FirstRunTests(BrowserFixture f, DemoSystemAdminServer server) : IClassFixture<DemoSystemAdminServer>
{
    private static readonly Dictionary<string, Dictionary<string, string>> Texts = new()
    {
        ["en-GB"] = new() { ["created"] = "is created", ["name_error"] = "Give the organisation a name" },
        ["nb-NO"] = new() { ["created"] = "er opprettet", ["name_error"] = "Gi organisasjonen et navn" },
    };

    [Theory]
    [InlineData("nb-NO", 390, 844)]
    [InlineData("en-GB", 1280, 900)]
    public async Task DemoSystemAdmin_KeyboardOnly_CreatesAnOrganisationWithItsFirstAdminAndSeesTheIds(string language, int width, int height)
    {
        var t = Texts[language];
        var name = $"Likepersonforbundet {Guid.NewGuid():N}"[..28];
        var context = await f.Browser.NewContextAsync(new()
        {
            BaseURL = server.BaseAddress.ToString().TrimEnd('/'), Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language }, ViewportSize = new() { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await BrowserFixture.AssertAccessibleAsync(page);
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'demo-system-admin'");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/admin/organizations");
        await Expect(page.Locator("header nav a")).ToHaveCountAsync(1); // the minimal frame
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // A blank name is refused next to the field, which gets the focus; the admin's name typed is kept.
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'org-name'");
        await page.Keyboard.TypeAsync("   ");
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'admin-name'");
        await page.Keyboard.TypeAsync("Solveig Haugen");
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'create-organization'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#org-name-error")).ToContainTextAsync(t["name_error"]);
        await Expect(page.Locator("#org-name")).ToBeFocusedAsync();
        await Expect(page.Locator("#admin-name")).ToHaveValueAsync("Solveig Haugen");
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(name);
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.id === 'create-organization'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = name })).ToContainTextAsync($"{name} {t["created"]}");
        var org = Guid.Parse(await page.Locator("#created-organization-id").InnerTextAsync());
        var admin = Guid.Parse(await page.Locator("#created-admin-id").InnerTextAsync());
        await Expect(page.Locator($"li[data-organization-id='{org}']")).ToContainTextAsync(name);
        using (var client = server.As(admin))
        {
            var me = await (await client.GetAsync("/api/v1/me")).ReadAsync<System.Text.Json.JsonElement>();
            Assert.Equal(org, me.GetProperty("organization").GetProperty("id").GetGuid());
            Assert.Equal(["org_admin"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        }
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"first-run-{width}");

        // Sign out from the minimal frame.
        await AdminJobsTests.TabUntilAsync(page, "document.activeElement.matches('form.signout button')");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/signin$"));
        await context.CloseAsync();
    }
}
