using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// An invited person opens their link in Chromium, keyboard only, at desktop width and on a 390 px phone, in English and
/// Norwegian: the page names the organisation and the person, they sign in at the real test provider, and land on their own
/// home page; opening the link again says it is used, an expired one says so. axe-core clean on every page of ours.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InvitationTests(BrowserFixture f, ProviderServer server) : IClassFixture<ProviderServer>
{
    private async Task<(string Code, Guid Id)> InviteAsync(Guid admin, Guid org, Guid person)
    {
        var body = await (await server.As(admin).PostAsync($"/api/v1/organizations/{org}/people/{person}/invitations", null)).ReadAsync<JsonElement>(201);
        return (new Uri(body.GetProperty("url").GetString()!).Segments[^1], body.GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("en-GB", 1280)]
    [InlineData("nb-NO", 390)]
    public async Task Invitation_KeyboardOnly_SignsInAtTheProviderAndLandsOnTheirOwnHome(string language, int width)
    {
        var nb = language == "nb-NO";
        var org = await new World(server.Worker).StandardOrgAsync();
        var (code, _) = await InviteAsync(org.Admin, org.Id, org.MentorA);
        var page = await ProviderSignInTests.OpenAsync(f, server, language, width);
        await page.GotoAsync($"/invite/{code}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToContainTextAsync(nb ? "Mentor A er invitert til Org" : "Mentor A is invited to Org");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, $"invite-{language}-{width}");

        await ProviderSignInTests.TabUntilAsync(page, "document.activeElement.id === 'invite-accept'");
        await page.Keyboard.PressAsync("Enter");
        await ProviderSignInTests.SignInAtProviderAsync(page, $"invited-{Guid.NewGuid():N}");

        await Expect(page).ToHaveURLAsync(new Regex("/my$")); // a mentor's own page, as Mentor A
        await Expect(page.Locator("header")).ToContainTextAsync("Mentor A");
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GotoAsync($"/invite/{code}"); // once only
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync(nb ? "Denne invitasjonen er brukt" : "This invitation has been used");
        await Expect(page.Locator("#invite-accept")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-GB", 1280)]
    [InlineData("nb-NO", 390)]
    public async Task Invitation_Expired_SaysSoAndOffersNoSignIn(string language, int width)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var (code, id) = await InviteAsync(org.Admin, org.Id, org.MentorB);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE invitations SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE id = @id", new { id });
        var page = await ProviderSignInTests.OpenAsync(f, server, language, width);
        var response = await page.GotoAsync($"/invite/{code}");
        Assert.Equal(410, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 }))
            .ToHaveTextAsync(language == "nb-NO" ? "Denne invitasjonen er utløpt" : "This invitation has expired");
        await Expect(page.Locator("#invite-accept")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The whole first sign-in of an invited person, in the UI alone: the org admin (signed in at the provider) creates the
    /// link on the person's admin page by keyboard, the person opens it and signs in, and the admin then sees the linked
    /// account and unlinks it.
    /// </summary>
    [Theory]
    [InlineData("en-GB", 1280)]
    [InlineData("nb-NO", 390)]
    public async Task Invitation_CreatedOnTheAdminsPersonPage_LinksThePersonAndCanBeUnlinked(string language, int width)
    {
        var nb = language == "nb-NO";
        var org = await new World(server.Worker).StandardOrgAsync();
        var adminLogin = $"admin-{Guid.NewGuid():N}";
        await server.LinkAsync(org.Admin, adminLogin);
        var admin = await ProviderSignInTests.OpenAsync(f, server, language, width);
        await admin.GotoAsync($"/admin/people/{org.MentorA2}");
        await ProviderSignInTests.TabUntilAsync(admin, "document.activeElement.id === 'provider-signin'");
        await admin.Keyboard.PressAsync("Enter");
        await ProviderSignInTests.SignInAtProviderAsync(admin, adminLogin);
        await Expect(admin).ToHaveURLAsync(new Regex($"/admin/people/{org.MentorA2}$"));

        await ProviderSignInTests.TabUntilAsync(admin, "document.activeElement.id === 'create-invitation'");
        await admin.Keyboard.PressAsync("Enter");
        var link = await admin.Locator("#invitation-url").InputValueAsync();
        Assert.Matches("/invite/[A-Za-z0-9_-]{20,}$", link);
        await BrowserFixture.AssertAccessibleAsync(admin);
        await BrowserFixture.AssertNoHorizontalScrollAsync(admin);

        var person = await ProviderSignInTests.OpenAsync(f, server, language, width);
        await person.GotoAsync(new Uri(link).PathAndQuery);
        await ProviderSignInTests.TabUntilAsync(person, "document.activeElement.id === 'invite-accept'");
        await person.Keyboard.PressAsync("Enter");
        var login = $"invited-{Guid.NewGuid():N}";
        await ProviderSignInTests.SignInAtProviderAsync(person, login);
        await Expect(person).ToHaveURLAsync(new Regex("/my$"));
        await Expect(person.Locator("header")).ToContainTextAsync("Mentor A2");

        await admin.ReloadAsync();
        await Expect(admin.Locator(".identities")).ToContainTextAsync(login);
        await ProviderSignInTests.TabUntilAsync(admin, "document.activeElement.closest('.identities form') !== null");
        await admin.Keyboard.PressAsync("Enter");
        await Expect(admin.Locator("[role=status], .banner.ok").First).ToContainTextAsync(nb ? "Kontoen er koblet fra" : "The account is unlinked");
        await Expect(admin.Locator(".identities")).ToHaveCountAsync(0);

        await person.GotoAsync("/my"); // the unlinked account's session has ended
        await Expect(person).ToHaveURLAsync(new Regex("/signin"));
        await admin.Context.CloseAsync();
        await person.Context.CloseAsync();
    }
}
