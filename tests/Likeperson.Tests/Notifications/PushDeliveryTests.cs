using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>Push through the real FCM HTTP v1 client against a fake FCM (and OAuth token endpoint) on loopback.</summary>
public sealed class PushDeliveryTests(PushServer server) : IClassFixture<PushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private async Task DeviceAsync(Guid person, string token) =>
        Assert.Equal(201, (int)(await server.As(person).PostJsonAsync("/api/v1/me/devices", new { token, platform = "ios" })).StatusCode);

    private async Task<int> DeviceCountAsync(string token)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM devices WHERE token = @token", new { token });
    }

    private Task<long> PauseAsync(Org org, string? reason = "Back surgery") =>
        _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.CoordinatorA, reason: reason, kind: "coordinator");

    [Fact]
    public async Task Push_Sent_PayloadShapeBearerTokenAndNoPersonalDataBeyondTheName()
    {
        var org = await _world.StandardOrgAsync();
        var phone = $"phone-{Guid.NewGuid()}";
        var tablet = $"tablet-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, phone);
        await DeviceAsync(org.CoordinatorA, tablet);

        var rows = await _outbox.SettledAsync(await PauseAsync(org));

        var push = rows.Single(r => r.Channel == "push");
        Assert.Equal("sent", push.Status);
        var sends = server.Fcm.SendsTo(phone).Concat(server.Fcm.SendsTo(tablet)).ToList();
        Assert.Equal(2, sends.Count); // one request per device token
        Assert.Equal(1, server.Fcm.TokenRequests); // the OAuth token is cached
        foreach (var send in sends)
        {
            Assert.Equal($"/v1/projects/{FakeFcm.ProjectId}/messages:send", send.Path);
            Assert.StartsWith("Bearer fake-access-", send.Authorization);
            Assert.Equal("Peer Mentor Paused", send.Message.GetProperty("notification").GetProperty("title").GetString());
            var body = send.Message.GetProperty("notification").GetProperty("body").GetString()!;
            Assert.Contains("Mentor A was paused by a coordinator on", body);
            Assert.DoesNotContain("Back surgery", body);
            Assert.Equal("high", send.Message.GetProperty("android").GetProperty("priority").GetString());
            Assert.Equal("10", send.Message.GetProperty("apns").GetProperty("headers").GetProperty("apns-priority").GetString());
            var data = send.Data; // every value a string (FCM's rule)
            Assert.Equal(["actor_id", "deep_link", "mentor_display_name", "mentor_id", "new_status", "notification_id", "pause_id",
                "previous_status", "timestamp_utc", "type"], data.Keys.Order());
            Assert.Equal((org.MentorA.ToString(), "Mentor A", "paused", "active", push.Id.ToString()),
                (data["mentor_id"], data["mentor_display_name"], data["new_status"], data["previous_status"], data["notification_id"]));
            var text = send.Body.GetRawText();
            foreach (var other in new[] { "Contact A", "Contact B", "Coordinator A", "Admin", "Back surgery" })
                Assert.DoesNotContain(other, text);
        }
    }

    [Fact]
    public async Task Push_OrgIncludesReason_ReasonInPushTextAndData()
    {
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE organizations SET push_includes_reason = true WHERE id = @Id", org);
        var device = $"reason-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, device);

        await _outbox.SettledAsync(await PauseAsync(org, "Exams"));

        var send = Assert.Single(server.Fcm.SendsTo(device));
        Assert.Contains("Reason: Exams", send.Message.GetProperty("notification").GetProperty("body").GetString());
        Assert.Equal("Exams", send.Data["reason"]);
    }

    [Fact]
    public async Task Push_Unregistered_TokenDeletedOtherDeviceStillServed()
    {
        var org = await _world.StandardOrgAsync();
        var gone = $"unregistered-{Guid.NewGuid()}";
        var alive = $"alive-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, gone);
        await DeviceAsync(org.CoordinatorA, alive);

        var push = (await _outbox.SettledAsync(await PauseAsync(org))).Single(r => r.Channel == "push");

        Assert.Equal("sent", push.Status);
        Assert.Contains("UNREGISTERED", push.Error);
        Assert.Equal(0, await DeviceCountAsync(gone));
        Assert.Equal(1, await DeviceCountAsync(alive));
        Assert.Single(server.Fcm.SendsTo(gone)); // never retried
    }

    [Fact]
    public async Task Push_OnlyDeviceUnregistered_RowUndeliverableAndTokenDeleted()
    {
        var org = await _world.StandardOrgAsync();
        var gone = $"unregistered-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, gone);

        var push = (await _outbox.SettledAsync(await PauseAsync(org))).Single(r => r.Channel == "push");

        Assert.Equal("undeliverable", push.Status);
        Assert.Equal(0, await DeviceCountAsync(gone));
    }

    [Fact]
    public async Task Push_InvalidArgument_FailsForGoodWithoutRetry()
    {
        var org = await _world.StandardOrgAsync();
        var bad = $"invalid-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, bad);

        var push = (await _outbox.SettledAsync(await PauseAsync(org))).Single(r => r.Channel == "push");

        Assert.Equal("failed", push.Status);
        Assert.True(push.Error!.Contains("INVALID_ARGUMENT"), push.Error);
        Assert.Single(server.Fcm.SendsTo(bad));
        Assert.Equal(1, await DeviceCountAsync(bad)); // only UNREGISTERED removes a token
    }

    [Fact]
    public async Task Push_ServiceUnavailableWithRetryAfter_RetriedThenSent()
    {
        var org = await _world.StandardOrgAsync();
        var busy = $"busy-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, busy);

        var push = (await _outbox.SettledAsync(await PauseAsync(org))).Single(r => r.Channel == "push");

        Assert.Equal("sent", push.Status);
        Assert.Equal(2, server.Fcm.SendsTo(busy).Count);
    }

    [Fact]
    public async Task Push_FcmKeepsFailing_RowFailedOutboxProcessedInAppIntactAndWarningLogged()
    {
        var org = await _world.StandardOrgAsync();
        var down = $"down-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, down);

        var id = await PauseAsync(org);
        var rows = await _outbox.SettledAsync(id);

        Assert.True(await _outbox.ProcessedAsync(id));
        Assert.Equal("sent", rows.Single(r => r.Channel == "in_app").Status);
        var push = rows.Single(r => r.Channel == "push");
        Assert.Equal("failed", push.Status);
        Assert.Contains("503", push.Error);
        Assert.Equal(3, server.Fcm.SendsTo(down).Count); // the first try and two retries (Push:Fcm:MaxRetries = 2)
        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Push delivery failed")
            && Equals(e.State["MentorId"], org.MentorA) && Equals(e.State["Transition"], "pause") && e.Message.Contains("503"));
    }

    [Fact]
    public async Task Push_RecipientWithoutDevice_UndeliverableAndCounted()
    {
        var org = await _world.StandardOrgAsync();

        var push = (await _outbox.SettledAsync(await PauseAsync(org))).Single(r => r.Channel == "push");

        Assert.Equal(("undeliverable", "The recipient has no registered device."), (push.Status, push.Error));
        var counts = await (await server.As(org.Admin).GetAsync("/api/v1/notifications/undeliverable-count")).ReadAsync<DeliveryProblems>();
        Assert.Equal((org.Id, 1, 0), (counts.OrganizationId, counts.UndeliverableCount, counts.FailedCount));
        var coordinatorB = await (await server.As(org.CoordinatorB).GetAsync("/api/v1/notifications/undeliverable-count")).ReadAsync<DeliveryProblems>();
        Assert.Equal(0, coordinatorB.UndeliverableCount); // not one of B's mentors
        await (await server.As(org.MentorA).GetAsync("/api/v1/notifications/undeliverable-count")).ProblemAsync(403, "forbidden");
    }

    [Fact]
    public async Task Push_RowCreatedByOtherCode_IsSentToo()
    {
        var org = await _world.StandardOrgAsync();
        var device = $"digest-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, device);
        var writer = server.Services.GetRequiredService<NotificationWriter>();

        await using (var conn = await server.Worker.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await writer.CreateForRecipientAsync(conn, org.Id, org.CoordinatorA, NotificationType.PauseDigest, "Pause digest",
                "2 mentors paused in the last 24 hours: Mentor A, Mentor A2.", new JsonObject { ["count"] = 2 }, "digest:test");
            await tx.CommitAsync();
        }

        await Eventually.TrueAsync(async () => server.Fcm.SendsTo(device).Count == 1, "the digest push");
        Assert.Equal("Pause digest", server.Fcm.SendsTo(device)[0].Message.GetProperty("notification").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("throttled-")]     // 429 with Retry-After
    [InlineData("throttledbare-")] // 429 without
    [InlineData("broken-")]        // 500
    public async Task Push_TransientFcmError_RetriedThenSent(string prefix)
    {
        var org = await _world.StandardOrgAsync();
        var device = $"{prefix}{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, device);

        var push = (await _outbox.SettledAsync(await PauseAsync(org))).Single(r => r.Channel == "push");

        Assert.Equal(("sent", (string?)null), (push.Status, push.Error));
        Assert.Equal(2, server.Fcm.SendsTo(device).Count);
    }

    [Fact]
    public async Task Push_RetryAfterBeyondMaxRetryDelay_NotRetriedRowFailedWithTheWaitInTheErrorAndLogged()
    {
        var org = await _world.StandardOrgAsync();
        var device = $"later-{Guid.NewGuid()}";
        await DeviceAsync(org.CoordinatorA, device);

        var push = (await _outbox.SettledAsync(await PauseAsync(org))).Single(r => r.Channel == "push");

        Assert.Equal("failed", push.Status);
        Assert.Contains("Retry-After 3600 s", push.Error);
        Assert.Single(server.Fcm.SendsTo(device)); // documented: a wait beyond Push:Fcm:MaxRetryDelay ends the retries at once
        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Push delivery failed") && e.Message.Contains("Retry-After 3600 s"));
    }

    /// <summary>
    /// The FCM client alone, on a clock that records each wait Polly asks for (and lets it pass at once), against a fake FCM
    /// of its own (so the server's token count stays the server's).
    /// </summary>
    private static FcmClient Client(FakeFcm fcm, WaitRecorder clock, int maxRetries = 2) => new(new PushOptions
    {
        Provider = "fcm",
        Fcm = new FcmOptions
        {
            ServiceAccountFile = fcm.ServiceAccountFile, Endpoint = fcm.BaseAddress.ToString(), MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromSeconds(30),
        },
    }, clock);

    private static PushMessage Message => new("Title", "Body", new Dictionary<string, string> { ["k"] = "v" });

    [Theory]
    [InlineData(3600, 1)] // an hour: one token for every send
    [InlineData(60, 3)]   // already inside Google.Apis.Auth's refresh window: a new token each time
    public async Task FcmClient_AccessToken_CachedUntilItIsAboutToExpire(int lifetimeSeconds, int tokenRequests)
    {
        await using var fcm = await FakeFcm.StartAsync();
        fcm.TokenLifetimeSeconds = lifetimeSeconds;
        using var client = Client(fcm, new WaitRecorder());

        for (var i = 0; i < 3; i++)
            Assert.Equal(PushResultKind.Sent, (await client.SendAsync($"cache-{i}", Message, default)).Kind);

        Assert.Equal(tokenRequests, fcm.TokenRequests);
        Assert.All(fcm.Sends, s => Assert.StartsWith("Bearer fake-access-", s.Authorization));
    }

    [Fact]
    public async Task FcmClient_RetryAfterInSeconds_WaitsExactlyThatLongBeforeTheRetry()
    {
        var clock = new WaitRecorder();
        await using var fcm = await FakeFcm.StartAsync();
        using var client = Client(fcm, clock);
        var device = $"throttled-{Guid.NewGuid()}";

        var result = await client.SendAsync(device, Message, default);

        Assert.Equal(PushResultKind.Sent, result.Kind);
        Assert.Equal([TimeSpan.FromSeconds(2)], clock.Waits); // Retry-After: 2, not the 50 ms backoff
        Assert.Equal(2, fcm.SendsTo(device).Count);
    }

    [Fact]
    public async Task FcmClient_RetryAfterAsHttpDate_WaitsUntilThatTime()
    {
        var clock = new WaitRecorder();
        await using var fcm = await FakeFcm.StartAsync();
        using var client = Client(fcm, clock);
        var device = $"dated-{Guid.NewGuid()}";

        var result = await client.SendAsync(device, Message, default);

        Assert.Equal(PushResultKind.Sent, result.Kind);
        var wait = Assert.Single(clock.Waits);
        Assert.InRange(wait, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)); // the date is 10 s ahead, to the second
    }

    [Fact]
    public async Task FcmClient_WithoutRetryAfter_BacksOffUpToMaxRetriesThenFails()
    {
        var clock = new WaitRecorder();
        await using var fcm = await FakeFcm.StartAsync();
        using var client = Client(fcm, clock, maxRetries: 3);
        var device = $"down-{Guid.NewGuid()}";

        var result = await client.SendAsync(device, Message, default);

        Assert.Equal(PushResultKind.Failed, result.Kind);
        Assert.Contains("after 4 attempts", result.Error);
        Assert.Equal(4, fcm.SendsTo(device).Count);
        Assert.Equal(3, clock.Waits.Count);
        Assert.All(clock.Waits, w => Assert.InRange(w, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task FcmClient_RetryAfterBeyondMaxRetryDelay_GivesUpAtOnceWithoutWaiting()
    {
        var clock = new WaitRecorder();
        await using var fcm = await FakeFcm.StartAsync();
        using var client = Client(fcm, clock);
        var device = $"later-{Guid.NewGuid()}";

        var result = await client.SendAsync(device, Message, default);

        Assert.Equal(PushResultKind.Failed, result.Kind);
        Assert.Contains("Retry-After 3600 s", result.Error);
        Assert.Empty(clock.Waits);
        Assert.Single(fcm.SendsTo(device));
    }
}

/// <summary>The system clock, except that every timer (Polly's retry waits) is recorded and fires at once.</summary>
public sealed class WaitRecorder : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();
    public List<TimeSpan> Waits => _waits.ToList();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waits.Enqueue(dueTime);
        return base.CreateTimer(callback, state, TimeSpan.Zero, period);
    }
}
