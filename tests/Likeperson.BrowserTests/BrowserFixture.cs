using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.BrowserTests;

/// <summary>
/// One real server (Kestrel on loopback, its own PostgreSQL database from the test cluster) and one headless Debian
/// Chromium for the whole run; each test opens its own browser context (cookies, viewport, language) and its own
/// organisation, so tests never see each other's data.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public TestServer Server { get; } = new();
    public World World { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/ensure-chromium.sh (test.sh does).");
        await Server.InitializeAsync();
        World = new World(Server.Worker);
        Assertions.SetDefaultExpectTimeout(10_000); // two shared cores; the live-update checks use 5 s explicitly
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        Directory.CreateDirectory(ScreenshotDir);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A fresh browser context signed in as the person (through the token-exchange sign-in page), optionally through a
    /// proxy (<see cref="CuttableProxy"/>) whose connections a test can cut.</summary>
    public async Task<IPage> SignInAsync(Guid person, string language = "en-GB", int width = 1280, int height = 900, Uri? via = null)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = (via ?? Server.BaseAddress).ToString().TrimEnd('/'),
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
            ViewportSize = new() { Width = width, Height = height },
        });
        context.SetDefaultTimeout(20_000); // two shared cores: generous; the live-update checks set their own 5 s
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Textbox, new() { Name = language.StartsWith("nb") ? "Tilgangstoken" : "Access token" }).FillAsync(Server.Token(person.ToString()));
        await page.Locator("form.stack button[type=submit]").ClickAsync();
        // The first page after sign-in on a loaded machine (parallel suites on two cores) can take long: wait up to 45 s.
        await page.WaitForURLAsync(url => !url.Contains("/signin"), new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 45_000 });
        return page;
    }

    /// <summary>Saves a screenshot as test output (bin/.../screenshots), and under docs/ when UPDATE_DOCS_SCREENSHOTS=1.</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool docs = false)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        if (docs && Environment.GetEnvironmentVariable("UPDATE_DOCS_SCREENSHOTS") == "1")
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoRoot, "docs", name + ".png"), Animations = ScreenshotAnimations.Disabled });
    }

    /// <summary>Injects axe-core (from npm, src/Likeperson/Web/node_modules) and fails on any serious or critical violation.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var axe = Path.Combine(RepoRoot, "src/Likeperson/Web/node_modules/axe-core/axe.min.js");
        await page.AddScriptTagAsync(new() { Path = axe });
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))
            """);
        Assert.True(result.GetArrayLength() == 0, $"axe found serious/critical violations on {page.Url}: {result}");
    }

    /// <summary>No horizontal scrolling: the document is no wider than the viewport.</summary>
    public static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var (scroll, client) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"),
            await page.EvaluateAsync<int>("document.documentElement.clientWidth"));
        if (scroll <= client) return;
        var culprits = await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)" +
            ".filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))" +
            ".slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' (right ' + Math.round(e.getBoundingClientRect().right) + ')').join(', ')");
        Assert.Fail($"{page.Url} scrolls sideways at {client}px: content is {scroll}px wide; widest: {culprits}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Likeperson.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (Likeperson.slnx) above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
