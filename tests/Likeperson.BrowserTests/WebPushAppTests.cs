using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Likeperson.BrowserTests;

/// <summary>
/// The installable web app in real Chromium: the manifest and its icons, the service worker at the root scope,
/// Chromium's own installability check (DevTools protocol), a push delivered to the worker through the DevTools protocol
/// shown as a notification with the mentor's tag, and its click taking the open tab to the deep link; and the
/// "Get notifications on this device" button on /preferences, keyboard only on a phone, in both languages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebPushAppTests(BrowserFixture f)
{
    private async Task<IPage> SignInWithNotificationsAsync(Guid person, string language = "en-GB", int width = 1280, int height = 900)
    {
        var page = await f.SignInAsync(person, language, width, height);
        await page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = f.Server.BaseAddress.ToString().TrimEnd('/') });
        return page;
    }

    /// <summary>Waits until the service worker is active and controls the page (clients.claim), and returns its scope.</summary>
    private static Task<string> ControlledAsync(IPage page) => page.EvaluateAsync<string>("""
        async () => {
          const reg = await navigator.serviceWorker.ready;
          if (!navigator.serviceWorker.controller)
            await new Promise(resolve => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
          return reg.scope;
        }
        """);

    [Fact]
    public async Task Manifest_LinkedAndValid_WithRealPngIconsAndAControllingServiceWorker()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.CoordinatorA, "nb-NO");

        Assert.Equal("/manifest.webmanifest", await page.GetAttributeAsync("link[rel=manifest]", "href"));
        Assert.Equal("#10243e", await page.GetAttributeAsync("meta[name=theme-color]", "content"));
        var response = await page.APIRequest.GetAsync("/manifest.webmanifest");
        Assert.StartsWith("application/manifest+json", response.Headers["content-type"]);
        var manifest = JsonDocument.Parse(await response.TextAsync()).RootElement;
        Assert.Equal(("Likeperson", "/", "standalone", "nb", "#10243e"), (manifest.GetProperty("short_name").GetString(),
            manifest.GetProperty("start_url").GetString(), manifest.GetProperty("display").GetString(), manifest.GetProperty("lang").GetString(),
            manifest.GetProperty("theme_color").GetString()));
        Assert.Contains("likepersoner", manifest.GetProperty("name").GetString());
        Assert.True(manifest.TryGetProperty("background_color", out _));
        var icons = manifest.GetProperty("icons").EnumerateArray().ToList();
        foreach (var icon in icons)
        {
            var png = await (await page.APIRequest.GetAsync(icon.GetProperty("src").GetString()!)).BodyAsync();
            Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "a PNG file");
            var (width, height) = (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
            Assert.Equal(icon.GetProperty("sizes").GetString(), $"{width}x{height}");
        }
        Assert.Contains(icons, i => i.GetProperty("sizes").GetString() == "192x192" && i.GetProperty("purpose").GetString() == "any");
        Assert.Contains(icons, i => i.GetProperty("sizes").GetString() == "512x512" && i.GetProperty("purpose").GetString() == "any");
        Assert.Contains(icons, i => i.GetProperty("purpose").GetString() == "maskable");

        Assert.Equal(f.Server.BaseAddress.ToString(), await ControlledAsync(page)); // scope: the whole site
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Installability_ChromiumsOwnCheck_FindsNoError()
    {
        // Chromium never installs from an incognito profile, which is what every new Playwright context is: a profile on disk.
        var profile = Directory.CreateTempSubdirectory("lp-install-");
        var org = await f.World.StandardOrgAsync();
        await using var context = await f.Playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            BaseURL = f.Server.BaseAddress.ToString().TrimEnd('/'), Locale = "en-GB",
        });
        try
        {
            var page = context.Pages.FirstOrDefault() ?? await context.NewPageAsync();
            await page.GotoAsync("/signin");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Access token" }).FillAsync(f.Server.Token(org.CoordinatorA.ToString()));
            await page.Locator("form.stack button[type=submit]").ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/signin"), new() { Timeout = 45_000 });
            await ControlledAsync(page);
            var cdp = await context.NewCDPSessionAsync(page);

            JsonElement errors = default;
            for (var i = 0; i < 20; i++) // the manifest and worker are checked asynchronously after load
            {
                errors = (await cdp.SendAsync("Page.getInstallabilityErrors"))!.Value.GetProperty("installabilityErrors");
                if (errors.GetArrayLength() == 0) break;
                await Task.Delay(500);
            }
            Assert.True(errors.GetArrayLength() == 0, $"Chromium says the app is not installable: {errors}");
            var manifest = (await cdp.SendAsync("Page.getAppManifest"))!.Value;
            Assert.EndsWith("/manifest.webmanifest", manifest.GetProperty("url").GetString());
            Assert.Empty(manifest.GetProperty("errors").EnumerateArray());
        }
        finally
        {
            await context.CloseAsync();
            profile.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Push_DeliveredToTheServiceWorker_ShowsTheMentorsNotificationAndItsClickOpensTheDeepLink()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await SignInWithNotificationsAsync(org.CoordinatorA);
        await page.GotoAsync("/notifications");
        var scope = await ControlledAsync(page);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var registration = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, e) =>
        {
            foreach (var r in e!.Value.GetProperty("registrations").EnumerateArray())
                if (r.GetProperty("scopeURL").GetString() == scope && !r.GetProperty("isDeleted").GetBoolean())
                    registration.TrySetResult(r.GetProperty("registrationId").GetString()!);
        };
        await cdp.SendAsync("ServiceWorker.enable");
        var registrationId = await registration.Task.WaitAsync(TimeSpan.FromSeconds(10));

        async Task DeliverAsync(string title, string type) => await cdp.SendAsync("ServiceWorker.deliverPushMessage", new()
        {
            ["origin"] = scope.TrimEnd('/'), ["registrationId"] = registrationId,
            ["data"] = JsonSerializer.Serialize(new
            {
                title, body = "Mentor A paused their mentoring.", deep_link = $"/mentors/{org.MentorA}", type,
                notification_id = Guid.NewGuid(), mentor_id = org.MentorA, tag = $"mentor-{org.MentorA}", icon = "/assets/icons/icon-192.png",
            }),
        });
        const string Shown = """
            async () => (await (await navigator.serviceWorker.ready).getNotifications())
                .map(n => ({ title: n.title, tag: n.tag, body: n.body, link: n.data && n.data.deep_link }))
            """;
        await DeliverAsync("Peer Mentor Paused", "mentor_paused");
        JsonElement shown = default;
        for (var i = 0; i < 40 && (shown.ValueKind != JsonValueKind.Array || shown.GetArrayLength() == 0); i++, await Task.Delay(250))
            shown = await page.EvaluateAsync<JsonElement>(Shown);
        var first = Assert.Single(shown.EnumerateArray());
        Assert.Equal(("Peer Mentor Paused", $"mentor-{org.MentorA}", $"/mentors/{org.MentorA}"),
            (first.GetProperty("title").GetString(), first.GetProperty("tag").GetString(), first.GetProperty("link").GetString()));

        await DeliverAsync("Peer Mentor Reactivated", "mentor_reactivated"); // the same mentor's next message replaces it
        for (var i = 0; i < 40; i++, await Task.Delay(250))
        {
            shown = await page.EvaluateAsync<JsonElement>(Shown);
            if (shown.EnumerateArray().Any(n => n.GetProperty("title").GetString() == "Peer Mentor Reactivated")) break;
        }
        Assert.Equal("Peer Mentor Reactivated", Assert.Single(shown.EnumerateArray()).GetProperty("title").GetString());

        // A click on a notification: Chromium offers no DevTools command for it, so the test dispatches a notificationclick
        // for the notification the worker showed, in the worker itself, to the worker's own listener.
        await EvaluateInServiceWorkerAsync(page, """
            self.registration.getNotifications().then(([notification]) =>
              self.dispatchEvent(new NotificationEvent('notificationclick', { notification })))
            """);
        await page.WaitForURLAsync($"**/mentors/{org.MentorA}");
        Assert.Empty((await page.EvaluateAsync<JsonElement>(Shown)).EnumerateArray()); // the click closed it
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Runs a script inside the page's service worker: Playwright for .NET has no handle on service workers, so through the
    /// browser's DevTools target of the worker (same browser context, URL /sw.js), attached in non-flat mode and spoken to
    /// with Target.sendMessageToTarget.
    /// </summary>
    private async Task EvaluateInServiceWorkerAsync(IPage page, string expression)
    {
        var pageCdp = await page.Context.NewCDPSessionAsync(page);
        var contextId = (await pageCdp.SendAsync("Target.getTargetInfo"))!.Value.GetProperty("targetInfo").GetProperty("browserContextId").GetString();
        var browserCdp = await f.Browser.NewBrowserCDPSessionAsync();
        var targets = (await browserCdp.SendAsync("Target.getTargets"))!.Value.GetProperty("targetInfos").EnumerateArray();
        var worker = targets.Single(t => t.GetProperty("type").GetString() == "service_worker"
            && t.GetProperty("browserContextId").GetString() == contextId && t.GetProperty("url").GetString()!.EndsWith("/sw.js"));
        var session = (await browserCdp.SendAsync("Target.attachToTarget", new()
        {
            ["targetId"] = worker.GetProperty("targetId").GetString()!, ["flatten"] = false,
        }))!.Value.GetProperty("sessionId").GetString()!;
        var answered = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        browserCdp.Event("Target.receivedMessageFromTarget").OnEvent += (_, e) =>
        {
            var message = JsonDocument.Parse(e!.Value.GetProperty("message").GetString()!).RootElement;
            if (message.TryGetProperty("id", out var id) && id.GetInt32() == 1) answered.TrySetResult(message);
        };
        await browserCdp.SendAsync("Target.sendMessageToTarget", new()
        {
            ["sessionId"] = session,
            ["message"] = JsonSerializer.Serialize(new { id = 1, method = "Runtime.evaluate", @params = new { expression, awaitPromise = true } }),
        });
        var answer = await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(answer.GetProperty("result").TryGetProperty("exceptionDetails", out var failure), $"in the service worker: {failure}");
        await browserCdp.DetachAsync();
    }

    /// <summary>
    /// Stands in for the browser vendor's push service, which a test without the internet cannot reach: pushManager.subscribe
    /// answers with a subscription the test made (a real P-256 key and auth secret at an https endpoint), and the permission
    /// prompt is counted, so the test can tell that it comes only when the button is pressed.
    /// </summary>
    private static string FakePushServiceScript(string endpoint, string p256dh, string auth) => $$"""
        window.__permissionAsked = 0;
        const ask = Notification.requestPermission.bind(Notification);
        Notification.requestPermission = () => { window.__permissionAsked++; return ask(); };
        // Kept across page loads as a browser keeps its subscription (the test's key is the same for the whole test).
        const key = '__fakeSubscription';
        const subscription = { endpoint: '{{endpoint}}', options: {}, unsubscribe: async () => { localStorage.removeItem(key); return true; },
          toJSON: () => ({ endpoint: '{{endpoint}}', expirationTime: null, keys: { p256dh: '{{p256dh}}', auth: '{{auth}}' } }) };
        PushManager.prototype.getSubscription = async function () {
          if (!localStorage.getItem(key)) return null;
          subscription.options = { applicationServerKey: Uint8Array.from(JSON.parse(localStorage.getItem(key))).buffer, userVisibleOnly: true };
          return subscription;
        };
        PushManager.prototype.subscribe = async function (options) {
          localStorage.setItem(key, JSON.stringify([...new Uint8Array(options.applicationServerKey)]));
          return this.getSubscription();
        };
        """;

    [Theory]
    [InlineData("en-GB", "Get notifications on this device", "This device now gets notifications.", "Remove", "this device")]
    [InlineData("nb-NO", "Få varsler på denne enheten", "Denne enheten får nå varsler.", "Fjern", "denne enheten")]
    public async Task GetNotificationsOnThisDevice_KeyboardOnlyOnAPhone_SubscribesListsAndRemoves(string language, string button, string done,
        string remove, string thisDevice)
    {
        var org = await f.World.StandardOrgAsync();
        var page = await SignInWithNotificationsAsync(org.CoordinatorA, language, width: 390, height: 844);
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        var endpoint = $"https://push.example.test/send/{Guid.NewGuid():N}";
        await page.Context.AddInitScriptAsync(FakePushServiceScript(endpoint, Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16))));
        await page.GotoAsync("/preferences");

        var subscribe = page.GetByRole(AriaRole.Button, new() { Name = button });
        await Expect(subscribe).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("window.__permissionAsked")); // never on load
        var box = await subscribe.BoundingBoxAsync();
        Assert.True(box!.Height >= 24 && box.Width >= 24, $"touch target {box.Width}x{box.Height}");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await TabUntilAsync(page, "document.activeElement.id === 'webpush-button'");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/preferences?subscribed=1#devices");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = done })).ToBeVisibleAsync();
        var item = page.Locator("#devices-list li");
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item.Locator(".this-device")).ToBeVisibleAsync();
        await Expect(item).ToContainTextAsync(thisDevice);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        var stored = (await f.GetJsonAsync(org.CoordinatorA, "/api/v1/me/web-push-subscriptions")).GetProperty("items");
        var device = Assert.Single(stored.EnumerateArray());
        Assert.Equal(endpoint, device.GetProperty("endpoint").GetString());
        Assert.Contains("Chrom", device.GetProperty("device_name").GetString()); // Headless Chrome's User-Agent

        // Remove, keyboard only: a plain form post.
        await TabUntilAsync(page, "document.activeElement.matches('#devices-list button')");
        Assert.StartsWith(remove, await page.EvaluateAsync<string>("document.activeElement.getAttribute('aria-label')"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/preferences?removed=1#devices");
        await Expect(page.Locator("#devices-none")).ToBeVisibleAsync();
        Assert.Empty((await f.GetJsonAsync(org.CoordinatorA, "/api/v1/me/web-push-subscriptions")).GetProperty("items").EnumerateArray());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Preferences_PeerMentor_CanAlsoGetNotificationsOnTheirDevice()
    {
        var org = await f.World.StandardOrgAsync();
        var page = await f.SignInAsync(org.MentorA);
        await page.GetByRole(AriaRole.Link, new() { Name = "Notification settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Get notifications on this device" })).ToBeVisibleAsync();
        await Expect(page.Locator("#install-hint")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

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
