using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Likeperson.Tests.Notifications;

/// <summary>Push through the fake FCM on loopback, with a stopped clock the tests move (the dispatcher, the jobs and the sender all read it).</summary>
public sealed class QuietHoursServer : PushServer
{
    /// <summary>02:00:10 on 10 December 2026 in Oslo (UTC+1): the nightly certification-expiry run.</summary>
    public static readonly DateTimeOffset Night = new(2026, 12, 10, 1, 0, 10, TimeSpan.Zero);

    /// <summary>07:00 that morning in Oslo, when the default quiet hours end.</summary>
    public static readonly DateTime Morning = new(2026, 12, 10, 6, 0, 0, DateTimeKind.Utc);

    public StoppedClock Clock { get; } = new(Night);

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(Logs);
        services.AddSingleton<TimeProvider>(Clock);
    }
}

/// <summary>
/// Quiet hours on the clock: push created while the recipient's quiet hours last waits until they end (by the application's
/// clock), in-app arrives at once; for every producer (the dispatcher of a job's transitions, the digest job).
/// </summary>
public sealed class QuietHoursDeliveryTests(QuietHoursServer server) : IClassFixture<QuietHoursServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Channel { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime? SentAt { get; init; }
        public DateTime? NextAttemptAt { get; init; }
        public DateTime? QuietHoursUntil { get; init; }
        public Guid? PauseId { get; init; }
    }

    private async Task<List<Row>> RowsAsync(Guid recipient, string type)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<Row>("""
            SELECT id, channel, status, sent_at, next_attempt_at, quiet_hours_until, pause_id FROM notifications
            WHERE recipient_id = @recipient AND type = @type ORDER BY created_at, channel
            """, new { recipient, type })).ToList();
    }

    private async Task<string> DeviceAsync(Guid person, bool quietHours)
    {
        var token = $"quiet-{person}";
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO devices (token, person_id, organization_id, platform) SELECT @token, id, organization_id, 'android' FROM people WHERE id = @person;
            UPDATE people SET quiet_hours_enabled = @quietHours WHERE id = @person;
            """, new { token, person, quietHours });
        return token;
    }

    private async Task ExpireAsync(params Guid[] mentors)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = '2026-12-09' WHERE id = ANY(@mentors)", new { mentors });
    }

    private Task<JobRunResponse> RunAsync(string job, Guid org)
    {
        var runner = server.Services.GetRequiredService<JobRunner>();
        return runner.RunNowAsync(runner.Find(job)!, org, null);
    }

    /// <summary>Several of the sender's polls (Notifications:PollInterval is 1 s here) go by.</summary>
    private static Task PollsAsync() => Task.Delay(TimeSpan.FromSeconds(3));

    [Fact]
    public async Task CertificationExpiryRunAt0200_PushWaitsUntil0700InAppAtOnce_WithoutQuietHoursPushAtOnce()
    {
        server.Clock.Now = QuietHoursServer.Night;
        var org = await _world.StandardOrgAsync();
        var sleeper = await DeviceAsync(org.CoordinatorA, quietHours: true); // the default 22:00-07:00
        var awake = await DeviceAsync(org.CoordinatorB, quietHours: false);
        await ExpireAsync(org.MentorA, org.MentorB);

        var run = await RunAsync(JobNames.CertificationExpiry, org.Id);
        Assert.Equal(2, run.Stats.GetProperty("paused").GetInt32());

        await Eventually.TrueAsync(() => Task.FromResult(server.Fcm.SendsTo(awake).Count == 1), "the push to the coordinator without quiet hours");
        var rows = await RowsAsync(org.CoordinatorA, "certification_expiry_auto_pause");
        Assert.Equal(["in_app", "push"], rows.Select(r => r.Channel));
        var (inApp, push) = (rows[0], rows[1]);
        Assert.Equal("sent", inApp.Status);
        Assert.NotNull(inApp.SentAt);
        Assert.Null(inApp.QuietHoursUntil);
        Assert.Equal(("pending", QuietHoursServer.Morning, QuietHoursServer.Morning), (push.Status, push.NextAttemptAt, push.QuietHoursUntil));
        var inbox = await (await server.As(org.CoordinatorA).GetAsync("/api/v1/notifications")).ReadAsync<JsonElement>();
        Assert.Equal(inApp.Id, Assert.Single(inbox.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Null(Assert.Single(await RowsAsync(org.CoordinatorB, "certification_expiry_auto_pause"), r => r.Channel == "push").QuietHoursUntil);

        await PollsAsync();
        Assert.Empty(server.Fcm.SendsTo(sleeper)); // not at 02:00
        server.Clock.Now = new DateTimeOffset(QuietHoursServer.Morning.AddMinutes(-1));
        await PollsAsync();
        Assert.Empty(server.Fcm.SendsTo(sleeper)); // nor at 06:59

        server.Clock.Now = new DateTimeOffset(QuietHoursServer.Morning);
        await Eventually.TrueAsync(() => Task.FromResult(server.Fcm.SendsTo(sleeper).Count == 1), "the held push at 07:00");
        await Eventually.TrueAsync(async () => (await RowsAsync(org.CoordinatorA, "certification_expiry_auto_pause"))[1].Status == "sent", "the push row sent");
        var sent = (await RowsAsync(org.CoordinatorA, "certification_expiry_auto_pause"))[1];
        Assert.Equal(QuietHoursServer.Morning, sent.QuietHoursUntil); // the log keeps that it waited, and until when

        var log = await (await server.As(org.CoordinatorA).GetAsync($"/api/v1/pauses/{push.PauseId}/notifications")).ReadAsync<JsonElement>();
        var entry = log.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == push.Id);
        Assert.Equal(QuietHoursServer.Morning, entry.GetProperty("quiet_hours_until").GetDateTime().ToUniversalTime());
        Assert.Equal("sent", entry.GetProperty("status").GetString());
    }

    [Fact]
    public async Task QuietHoursChangedAfterwards_QueuedPushKeepsItsTime_LaterPushFollowsTheNewSetting()
    {
        server.Clock.Now = QuietHoursServer.Night;
        var org = await _world.StandardOrgAsync();
        var device = await DeviceAsync(org.CoordinatorA, quietHours: true);
        var first = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA);
        await Eventually.TrueAsync(() => _outbox.ProcessedAsync(first), "the first pause dispatched");

        await (await server.As(org.CoordinatorA).PutAsJsonAsync("/api/v1/me/quiet-hours", new { enabled = false, start = "22:00", end = "07:00" },
            TestServer.Json)).ReadAsync<JsonElement>();
        var queued = Assert.Single(await RowsAsync(org.CoordinatorA, "mentor_paused"), r => r.Channel == "push");
        Assert.Equal(("pending", QuietHoursServer.Morning), (queued.Status, queued.NextAttemptAt));

        var second = await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "pause", "active", "paused", org.MentorA2, displayName: "Mentor A2");
        await Eventually.TrueAsync(() => Task.FromResult(server.Fcm.SendsTo(device).Count == 1), "the push after quiet hours were switched off");
        Assert.Equal("Mentor A2", server.Fcm.SendsTo(device)[0].Data["mentor_display_name"]);
        await PollsAsync();
        Assert.Single(server.Fcm.SendsTo(device)); // the queued one still waits for 07:00
        Assert.Equal("pending", (await RowsAsync(org.CoordinatorA, "mentor_paused")).Single(r => r.Id == queued.Id).Status);
        Assert.All((await _outbox.NotificationsOfAsync(second)).Where(r => r.RecipientId == org.CoordinatorA && r.Channel == "push"),
            r => Assert.Equal("sent", r.Status));
    }

    [Fact]
    public async Task PauseDigestAt0200_DigestPushWaitsUntil0700_WindowWithinADayLeavesTheNightAlone()
    {
        server.Clock.Now = QuietHoursServer.Night;
        var org = await _world.StandardOrgAsync();
        await DeviceAsync(org.CoordinatorA, quietHours: true);
        var lunch = await DeviceAsync(org.CoordinatorB, quietHours: true);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                UPDATE people SET quiet_hours_start = '12:00', quiet_hours_end = '13:00' WHERE id = @CoordinatorB;
                INSERT INTO notification_preferences (person_id, organization_id, type, channels, mode)
                VALUES (@CoordinatorA, @Id, 'mentor_paused', 'both', 'digest'), (@CoordinatorB, @Id, 'mentor_paused', 'both', 'digest');
                """, org);
        var pauseA = await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA);
        var pauseB = await _outbox.StatusChangedAsync(org.Id, org.MentorB, "pause", "active", "paused", org.MentorB, displayName: "Mentor B");
        await Eventually.TrueAsync(async () => await _outbox.ProcessedAsync(pauseA) && await _outbox.ProcessedAsync(pauseB), "the pauses held for the digest");

        var run = await RunAsync(JobNames.PauseDigest, org.Id);
        Assert.True(run.Status == JobStatus.Succeeded, run.Error);

        var digest = await RowsAsync(org.CoordinatorA, "pause_digest");
        Assert.Equal(["in_app", "push"], digest.Select(r => r.Channel));
        Assert.Equal("sent", digest[0].Status);
        Assert.Equal(("pending", QuietHoursServer.Morning), (digest[1].Status, digest[1].QuietHoursUntil));
        await Eventually.TrueAsync(() => Task.FromResult(server.Fcm.SendsTo(lunch).Any(s => s.Data["type"] == "pause_digest")),
            "the digest push at 02:00 to the coordinator whose quiet hours are at lunch");
        Assert.Null((await RowsAsync(org.CoordinatorB, "pause_digest")).Single(r => r.Channel == "push").QuietHoursUntil);
    }
}
