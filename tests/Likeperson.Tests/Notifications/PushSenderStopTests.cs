using Dapper;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>The sender claims ahead of its senders; an instance that stops hands the rows it never started back at once.</summary>
public sealed class PushSenderStopTests(ManualPushServer server) : IClassFixture<ManualPushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    [Fact]
    public async Task Stop_RowsClaimedButNotStarted_AreDueAgainAtOnceAndTheOneInFlightKeepsItsLease()
    {
        var org = await _world.StandardOrgAsync();
        var device = $"down-{Guid.NewGuid()}"; // FCM answers 503: the one send in flight waits to retry
        await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/me/devices", new { token = device, platform = "android" })).ReadAsync<object>(201);
        foreach (var mentor in new[] { org.MentorA, org.MentorA2, org.MentorA, org.MentorA2 }) // told by a coordinator: only coordinator A hears
            await _outbox.StatusChangedAsync(org.Id, mentor, "pause", "active", "paused", org.CoordinatorA);
        while (await server.Services.GetRequiredService<OutboxDispatcher>().DispatchBatchAsync() > 0) { }

        var sender = await server.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:SenderEnabled"] = "true",
            ["Push:Fcm:Concurrency"] = "1", // one sender, so three of the four claimed rows wait in the queue
            ["Push:Fcm:RetryBaseDelay"] = "00:00:30",
            ["Push:Fcm:MaxRetryDelay"] = "00:00:30",
        });
        await Eventually.TrueAsync(async () => server.Fcm.SendsTo(device).Count > 0 && (await PushRowsAsync(org)).All(r => r.Attempts == 1),
            "the four push rows to be claimed and the first one sent");
        await sender.StopAsync();
        await sender.DisposeAsync();

        var rows = await PushRowsAsync(org);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal("pending", r.Status));
        Assert.Equal(3, rows.Count(r => r.Attempts == 0 && r.DueNow));
        Assert.Single(rows, r => r.Attempts == 1 && !r.DueNow); // cancelled mid-send: its lease gives it back later
    }

    private async Task<List<(string Status, int Attempts, bool DueNow)>> PushRowsAsync(Org org)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, int, bool)>("""
            SELECT status, attempts, next_attempt_at <= now() FROM notifications
            WHERE channel = 'push' AND recipient_id = @CoordinatorA
            """, org)).ToList();
    }
}
