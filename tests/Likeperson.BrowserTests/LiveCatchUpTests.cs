using System.Text.Json;
using Likeperson.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// Every live page catches up after a real connection cut (<see cref="CuttableProxy"/> resets the open event stream and
/// refuses new connections, as a phone losing its network does): what changed meanwhile appears once the network is back,
/// without a reload, because the page resumes from the stream position its data was read at. A region reload that fails
/// is retried (with backoff and jitter) until it succeeds.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveCatchUpTests(BrowserFixture f)
{
    private static readonly LocatorAssertionsToBeVisibleOptions AfterRestore = new() { Timeout = 30_000 };

    private async Task<IPage> OpenAsync(Guid person, string path, CuttableProxy proxy)
    {
        var page = await f.SignInAsync(person, via: proxy.BaseAddress);
        await page.GotoAsync(path);
        Assert.NotEqual("", await page.Locator("body").GetAttributeAsync("data-last-event-id") ?? "");
        await Expect(page.Locator("body[data-stream=open]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.EvaluateAsync("() => window.__sameDocument = true"); // survives only if the page never reloads
        return page;
    }

    private static async Task CutAsync(IPage page, CuttableProxy proxy)
    {
        proxy.Cut();
        await Expect(page.Locator("body[data-stream=closed]")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
    }

    private static async Task AssertNotReloadedAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded");

    [Fact]
    public async Task Roster_ConnectionCut_ShowsThePauseMadeMeanwhile()
    {
        var org = await f.World.StandardOrgAsync();
        await using var proxy = new CuttableProxy(f.Server.BaseAddress);
        var page = await OpenAsync(org.CoordinatorA, "/roster", proxy);
        await CutAsync(page, proxy);
        await f.PauseAsync(org.MentorA, org.MentorA, "Sick leave");
        await Task.Delay(1500); // reconnects fail meanwhile
        await Expect(page.Locator($"[data-mentor='{org.MentorA}']")).ToHaveCountAsync(0);
        proxy.Restore();
        await Expect(page.Locator($"[data-mentor='{org.MentorA}']")).ToBeVisibleAsync(AfterRestore);
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Notifications_ConnectionCut_ShowsTheNotificationSentMeanwhile()
    {
        var org = await f.World.StandardOrgAsync();
        await using var proxy = new CuttableProxy(f.Server.BaseAddress);
        var page = await OpenAsync(org.CoordinatorA, "/notifications", proxy);
        await CutAsync(page, proxy);
        await f.PauseAsync(org.MentorA, org.MentorA, "Travelling");
        var sent = await f.NotificationsAsync(org.CoordinatorA, 1);
        var id = sent[0].GetProperty("id").GetString();
        await Expect(page.Locator($"#n-{id}")).ToHaveCountAsync(0);
        proxy.Restore();
        await Expect(page.Locator($"#n-{id}")).ToBeVisibleAsync(AfterRestore);
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task MentorPage_ConnectionCut_ShowsTheStatusChangedMeanwhile()
    {
        var org = await f.World.StandardOrgAsync();
        await using var proxy = new CuttableProxy(f.Server.BaseAddress);
        var page = await OpenAsync(org.CoordinatorA, $"/mentors/{org.MentorA}", proxy);
        await CutAsync(page, proxy);
        await f.PauseAsync(org.MentorA, org.MentorA, "Sick leave");
        proxy.Restore();
        await Expect(page.Locator("#mentor-content h1 .badge")).ToHaveTextAsync("Paused", new() { Timeout = 30_000 });
        await Expect(page.Locator("#mentor-content")).ToContainTextAsync("Sick leave", new() { Timeout = 30_000 });
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task MyPage_ConnectionCut_ShowsTheAssignmentMadeMeanwhile()
    {
        var org = await f.World.StandardOrgAsync();
        await using var proxy = new CuttableProxy(f.Server.BaseAddress);
        var page = await OpenAsync(org.MentorA, "/my", proxy);
        await CutAsync(page, proxy);
        using var coordinator = f.Server.As(org.CoordinatorA);
        var created = await (await coordinator.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = org.ContactA }))
            .ReadAsync<JsonElement>(201);
        proxy.Restore();
        await Expect(page.Locator($"#my-assignments #a-{created.GetProperty("id").GetString()}")).ToBeVisibleAsync(AfterRestore);
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Board_ConnectionCut_ShowsTheAssignmentMadeMeanwhile()
    {
        var org = await f.World.StandardOrgAsync();
        await using var proxy = new CuttableProxy(f.Server.BaseAddress);
        var page = await OpenAsync(org.CoordinatorA, "/board", proxy);
        await CutAsync(page, proxy);
        using var coordinator = f.Server.As(org.CoordinatorA);
        var created = await (await coordinator.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = org.MentorA, contact_id = org.ContactA }))
            .ReadAsync<JsonElement>(201);
        proxy.Restore();
        await Expect(page.Locator($"[data-status-list=open] #a-{created.GetProperty("id").GetString()}")).ToBeVisibleAsync(AfterRestore);
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Roster_ReloadFails_IsRetriedUntilItSucceeds()
    {
        var org = await f.World.StandardOrgAsync();
        await using var proxy = new CuttableProxy(f.Server.BaseAddress);
        var page = await OpenAsync(org.CoordinatorA, "/roster", proxy);
        var refused = 0;
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/roster", async route =>
        {
            if (Interlocked.Increment(ref refused) <= 2) await route.AbortAsync("connectionreset"); else await route.ContinueAsync();
        });
        await f.PauseAsync(org.MentorA, org.MentorA, "Sick leave");
        await Expect(page.Locator($"[data-mentor='{org.MentorA}']")).ToBeVisibleAsync(AfterRestore);
        Assert.True(refused >= 3, $"the reload was tried {refused} times");
        await AssertNotReloadedAsync(page);
        await page.Context.CloseAsync();
    }
}
