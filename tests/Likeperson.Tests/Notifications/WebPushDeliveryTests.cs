using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// The push channel to browsers, end to end: a real transition through HTTP, the server's own dispatcher and push sender,
/// and a fake push service that checks the VAPID token and decrypts the aes128gcm body with the browser's private key,
/// so each test reads exactly what the service worker would get.
/// </summary>
public sealed class WebPushDeliveryTests(WebPushServer server) : IClassFixture<WebPushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private async Task<BrowserSubscription> SubscribeAsync(Guid person, string prefix = "browser-")
    {
        var browser = server.PushService.Subscribe(prefix);
        var response = await server.As(person).PostAsJsonAsync("/api/v1/me/web-push-subscriptions", browser.ToJson());
        await response.ReadAsync<JsonElement>(201);
        return browser;
    }

    private async Task<NotificationRow> PushRowAsync(Guid recipient, string type)
    {
        NotificationRow? row = null;
        await Eventually.TrueAsync(async () =>
        {
            await using var conn = await server.Worker.OpenConnectionAsync();
            row = await conn.QuerySingleOrDefaultAsync<NotificationRow>(
                $"SELECT {NotificationRow.Columns} FROM notifications WHERE recipient_id = @recipient AND type = @type AND channel = 'push'",
                new { recipient, type });
            return row is { Status: not "pending" };
        }, $"the {type} push row of {recipient} to be sent");
        return row!;
    }

    private async Task<int> SubscriptionsOfAsync(Guid person)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM web_push_subscriptions WHERE person_id = @person", new { person });
    }

    [Fact]
    public async Task Pause_CoordinatorsBrowser_GetsTheEncryptedNotificationInTheirLanguageWithinSeconds()
    {
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE people SET language = 'nb' WHERE id = @id", new { id = org.CoordinatorA });
        var browser = await SubscribeAsync(org.CoordinatorA);

        var clock = Stopwatch.StartNew();
        var paused = await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause", new { reason = "Eksamen" });
        Assert.Equal(200, (int)paused.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(server.PushService.To(browser).Count > 0), "the browser to get the push", seconds: 10);
        var within = clock.Elapsed;

        var delivery = Assert.Single(server.PushService.To(browser));
        Assert.Null(delivery.VapidProblem);
        // No Urgency header is RFC 8030's "normal"; only compliance-critical types say high.
        Assert.Equal(("aes128gcm", "86400", null, "mailto:coordinators@example.org"),
            (delivery.ContentEncoding, delivery.Ttl, delivery.Urgency, delivery.Subject));
        var row = await PushRowAsync(org.CoordinatorA, "mentor_paused");
        var payload = delivery.Payload;
        Assert.Equal("Likeperson på pause", payload.GetProperty("title").GetString());
        Assert.Equal(row.Body, payload.GetProperty("body").GetString());
        Assert.Contains("Mentor A", row.Body);
        Assert.DoesNotContain("Eksamen", delivery.Plaintext); // the reason stays out of push unless the org says otherwise
        Assert.Equal(($"/mentors/{org.MentorA}", $"mentor-{org.MentorA}", "mentor_paused", row.Id.ToString(), org.MentorA.ToString()),
            (payload.GetProperty("deep_link").GetString(), payload.GetProperty("tag").GetString(), payload.GetProperty("type").GetString(),
             payload.GetProperty("notification_id").GetString(), payload.GetProperty("mentor_id").GetString()));
        Assert.StartsWith("/assets/icons/", payload.GetProperty("icon").GetString());
        Assert.Equal(("sent", null), (row.Status, row.Error));
        Assert.True(within < TimeSpan.FromSeconds(5), $"the push took {within}");
    }

    [Fact]
    public async Task Pause_CoordinatorWithPhoneAndBrowser_BothGetItAndTheRowIsSentOnce()
    {
        var org = await _world.StandardOrgAsync();
        var token = $"phone-{Guid.NewGuid()}";
        await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/me/devices", new { token, platform = "android" })).ReadAsync<object>(201);
        var browser = await SubscribeAsync(org.CoordinatorA);

        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).StatusCode);
        var row = await PushRowAsync(org.CoordinatorA, "mentor_paused");

        Assert.Equal("sent", row.Status);
        Assert.Single(server.Fcm.SendsTo(token));
        Assert.Equal(row.Title, Assert.Single(server.PushService.To(browser)).Payload.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Push_BrowserGone410_DeletesThatSubscriptionAndTheOthersStillGetIt()
    {
        var org = await _world.StandardOrgAsync();
        var gone = await SubscribeAsync(org.CoordinatorA, "gone-");
        var missing = await SubscribeAsync(org.CoordinatorA, "missing-");
        var alive = await SubscribeAsync(org.CoordinatorA);

        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).StatusCode);
        var row = await PushRowAsync(org.CoordinatorA, "mentor_paused");

        Assert.Equal("sent", row.Status);
        Assert.Contains("410", row.Error);
        Assert.Contains("404", row.Error);
        Assert.Single(server.PushService.To(gone));
        Assert.Single(server.PushService.To(missing));
        Assert.Single(server.PushService.To(alive));
        await Eventually.TrueAsync(async () => await SubscriptionsOfAsync(org.CoordinatorA) == 1, "the gone subscriptions to be deleted");
    }

    [Fact]
    public async Task Push_OnlyBrowserGone_IsUndeliverable()
    {
        var org = await _world.StandardOrgAsync();
        await SubscribeAsync(org.CoordinatorA, "gone-");

        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).StatusCode);
        var row = await PushRowAsync(org.CoordinatorA, "mentor_paused");

        Assert.Equal("undeliverable", row.Status);
        await Eventually.TrueAsync(async () => await SubscriptionsOfAsync(org.CoordinatorA) == 0, "the gone subscription to be deleted");
    }

    [Fact]
    public async Task Push_PushServiceDown_FailsAfterRetriesAndIsLogged()
    {
        var org = await _world.StandardOrgAsync();
        var broken = await SubscribeAsync(org.CoordinatorA, "broken-");

        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).StatusCode);
        var row = await PushRowAsync(org.CoordinatorA, "mentor_paused");

        Assert.Equal("failed", row.Status);
        Assert.Contains("500", row.Error);
        Assert.Equal(3, server.PushService.To(broken).Count); // one try and Push:Fcm:MaxRetries (2) retries
        Assert.Equal(1, await SubscriptionsOfAsync(org.CoordinatorA)); // a failing service does not lose the subscription
        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Push delivery failed") && Equals(e.State["MentorId"], org.MentorA));
    }

    [Fact]
    public async Task Push_Throttled429_IsRetriedAfterRetryAfterAndSent()
    {
        var org = await _world.StandardOrgAsync();
        var throttled = await SubscribeAsync(org.CoordinatorA, "throttled-");

        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).StatusCode);
        var row = await PushRowAsync(org.CoordinatorA, "mentor_paused");

        Assert.Equal(("sent", 2), (row.Status, server.PushService.To(throttled).Count));
    }

    [Fact]
    public async Task CertificationExpiry_IsSentWithUrgencyHigh()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await SubscribeAsync(org.CoordinatorA);
        var pause = await _outbox.PauseRecordAsync(org.Id, org.MentorA, kind: "certification_expired", reason: "certification_expired");

        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "certification_expiry", "active", "paused", null,
            pauseId: pause, kind: "certification_expired"));

        var delivery = Assert.Single(server.PushService.To(browser));
        Assert.Equal(("high", "certification_expiry_auto_pause"), (delivery.Urgency, delivery.Payload.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task PauseThenReactivation_ShareTheMentorsTag()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await SubscribeAsync(org.CoordinatorA);

        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).StatusCode);
        await PushRowAsync(org.CoordinatorA, "mentor_paused");
        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "reactivate")).StatusCode);
        await PushRowAsync(org.CoordinatorA, "mentor_reactivated");

        var payloads = server.PushService.To(browser).Select(d => d.Payload).ToList();
        Assert.Equal(["mentor_paused", "mentor_reactivated"], payloads.Select(p => p.GetProperty("type").GetString()).Order());
        Assert.Single(payloads.Select(p => p.GetProperty("tag").GetString()).Distinct());
    }
}

/// <summary>Push:Provider none: Web Push goes out all the same, and a person without a browser subscribed gets no push row.</summary>
public sealed class WebPushWithoutFcmTests(WebPushOnlyServer server) : IClassFixture<WebPushOnlyServer>
{
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task Pause_ProviderNone_ReachesTheSubscribedBrowserOnly()
    {
        var org = await _world.StandardOrgAsync();
        var browser = server.PushService.Subscribe();
        await (await server.As(org.CoordinatorA).PostAsJsonAsync("/api/v1/me/web-push-subscriptions", browser.ToJson())).ReadAsync<JsonElement>(201);

        Assert.Equal(200, (int)(await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(server.PushService.To(browser).Count > 0), "the browser to get the push", seconds: 10);

        await using var conn = await server.Worker.OpenConnectionAsync();
        var push = (await conn.QueryAsync<(Guid Recipient, string Status)>(
            "SELECT recipient_id, status FROM notifications WHERE organization_id = @org AND channel = 'push'", new { org = org.Id })).ToList();
        Assert.Equal(org.CoordinatorA, Assert.Single(push).Recipient); // the other coordinators and admins: in-app only, as before
        Assert.Null(Assert.Single(server.PushService.To(browser)).VapidProblem);
    }
}
