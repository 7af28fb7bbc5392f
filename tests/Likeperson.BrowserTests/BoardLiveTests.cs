using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>The assignment board updates itself from the event stream: changes made through the API appear within 5 s.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BoardLiveTests(BrowserFixture f)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Within5s = new() { Timeout = 5000 };

    private async Task<(Org Org, Guid Assignment, IPage Page)> OpenBoardAsync(int width = 1280)
    {
        var org = await f.World.StandardOrgAsync();
        var contact = await f.World.ContactAsync(org.Id, org.ChapterA, "Hilde Moen");
        using var coordinator = f.Server.As(org.CoordinatorA);
        var created = await (await coordinator.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = contact }))
            .ReadAsync<System.Text.Json.JsonElement>(201);
        var page = await f.SignInAsync(org.CoordinatorA, width: width);
        await Expect(page.Locator($"#a-{created.GetProperty("id").GetString()}")).ToBeVisibleAsync();
        await Expect(page.Locator("body[data-stream=open]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.EvaluateAsync("() => window.__sameDocument = true"); // survives only if the page never reloads
        return (org, Guid.Parse(created.GetProperty("id").GetString()!), page);
    }

    private static async Task AssertNotReloadedAsync(IPage page) => Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));

    [Fact]
    public async Task Board_ChangesThroughTheApi_AppearWithoutReload()
    {
        var (org, assignment, page) = await OpenBoardAsync();
        using var coordinator = f.Server.As(org.CoordinatorA);

        var patch = await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { status = "pending" }));
        await patch.ReadAsync<System.Text.Json.JsonElement>();
        await Expect(page.Locator($"[data-status-list=pending] #a-{assignment}")).ToBeVisibleAsync(Within5s);
        await Expect(page.Locator($"#a-{assignment}")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-count-for=pending]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#live-region")).ToContainTextAsync("Hilde Moen");

        // A new assignment appears by itself.
        var other = await f.World.ContactAsync(org.Id, org.ChapterA, "Tor Lie");
        var created = await (await coordinator.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA2, contact_id = other }))
            .ReadAsync<System.Text.Json.JsonElement>(201);
        await Expect(page.Locator($"[data-status-list=open] #a-{created.GetProperty("id").GetString()}")).ToBeVisibleAsync(Within5s);

        // A mentor's status change updates their badge.
        await f.PauseAsync(org.MentorA, org.MentorA, "Sick leave", null);
        await Expect(page.Locator($"#a-{assignment} .mentor-status")).ToHaveTextAsync("Paused", new() { Timeout = 5000 });
        await AssertNotReloadedAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "board-desktop");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Board_ConnectionDropped_BackfillsWhatChangedMeanwhile()
    {
        var (org, assignment, page) = await OpenBoardAsync();
        await page.EvaluateAsync("() => window.likeperson.live.drop(4000)"); // reconnects by itself after 4 s, from the last id applied
        await Expect(page.Locator("body[data-stream=closed]")).ToHaveCountAsync(1);
        using var coordinator = f.Server.As(org.CoordinatorA);
        await (await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { status = "completed" })))
            .ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal(1, await page.Locator($"[data-status-list=open] #a-{assignment}").CountAsync()); // not connected: still the old state
        await Expect(page.Locator($"[data-status-list=completed] #a-{assignment}")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Board_BrowserGoesOfflineAndBack_ReconnectsAndBackfills()
    {
        var (org, assignment, page) = await OpenBoardAsync();
        // Offline emulation blocks new requests only, so the open stream is cut by hand; the reconnects that follow really fail.
        await page.Context.SetOfflineAsync(true);
        await page.EvaluateAsync("() => window.likeperson.live.drop(300)");
        await Expect(page.Locator("body[data-stream=closed]")).ToHaveCountAsync(1);
        using var coordinator = f.Server.As(org.CoordinatorA);
        await (await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { status = "pending" })))
            .ReadAsync<System.Text.Json.JsonElement>();
        await Task.Delay(1500); // a failed reconnect or two (the script backs off)
        Assert.Equal(1, await page.Locator($"[data-status-list=open] #a-{assignment}").CountAsync());
        await page.Context.SetOfflineAsync(false);
        await Expect(page.Locator($"[data-status-list=pending] #a-{assignment}")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Board_RapidSuccessiveChanges_EndInTheLatestStateWithoutStaleRows()
    {
        var (org, assignment, page) = await OpenBoardAsync();
        using var coordinator = f.Server.As(org.CoordinatorA);
        await (await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { notes = "first" }))).ReadAsync<object>();
        await (await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { status = "pending" }))).ReadAsync<object>();
        await (await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { notes = "second" }))).ReadAsync<object>();
        await (await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { status = "completed" }))).ReadAsync<object>();
        var row = page.Locator($"#a-{assignment}");
        await Expect(page.Locator($"[data-status-list=completed] #a-{assignment}")).ToBeVisibleAsync(Within5s);
        await Expect(row).ToHaveAttributeAsync("data-version", "5");
        await Task.Delay(1000); // let any late, older fetch arrive: it must not bring an old row back
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToHaveAttributeAsync("data-version", "5");
        await Expect(page.Locator("[data-count-for=open]")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-count-for=pending]")).ToHaveTextAsync("0");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Board_LeftAndReturned_ClosesTheSubscriptionAndShowsCurrentData()
    {
        var (org, assignment, page) = await OpenBoardAsync();
        var before = await SubscribersAsync();
        await page.GotoAsync("about:blank");
        await WaitForAsync(async () => await SubscribersAsync() < before, "the stream to close after leaving the page");
        using var coordinator = f.Server.As(org.CoordinatorA);
        await (await coordinator.PatchAsync($"/api/v1/assignments/{assignment}", JsonContent.Create(new { status = "pending" }))).ReadAsync<object>();
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/board$"));
        await Expect(page.Locator($"[data-status-list=pending] #a-{assignment}")).ToBeVisibleAsync(Within5s);
        await Expect(page.Locator("body[data-stream=open]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.Context.CloseAsync();
    }

    private async Task<long> SubscribersAsync()
    {
        using var client = f.Server.Anonymous();
        var text = await client.GetStringAsync("/metrics");
        return long.Parse(Regex.Match(text, @"^likeperson_stream_subscribers(?:\{[^}]*\})? (\d+)", RegexOptions.Multiline).Groups[1].Value);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("Timed out waiting for " + what);
    }
}
