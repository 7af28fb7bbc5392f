using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>With push configured (fake FCM on loopback), the digest goes out on the channels the held items were for.</summary>
public sealed class PauseDigestPushTests(PushServer server) : IClassFixture<PushServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private async Task<List<NotificationRow>> OfAsync(Guid recipient)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<NotificationRow>(
            $"SELECT {NotificationRow.Columns} FROM notifications WHERE recipient_id = @recipient ORDER BY type, channel", new { recipient })).ToList();
    }

    [Theory]
    [InlineData("both", new[] { "in_app", "push" })]
    [InlineData("push", new[] { "push" })]
    [InlineData("in_app", new[] { "in_app" })]
    public async Task Run_DigestChannels_FollowTheHeldItems(string channels, string[] expected)
    {
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO notification_preferences (person_id, organization_id, type, channels, mode)
                VALUES (@CoordinatorA, @Id, 'mentor_paused', @channels, 'digest')
                """, new { org.CoordinatorA, org.Id, channels });
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA));
        Assert.Equal(expected, (await OfAsync(org.CoordinatorA)).Where(n => n.Status == "held").Select(n => n.Channel));

        var runner = server.Services.GetRequiredService<JobRunner>();
        var run = await runner.RunNowAsync(runner.Find(JobNames.PauseDigest)!, org.Id, null);
        Assert.True(run.Status == JobStatus.Succeeded, run.Error);

        var mine = await OfAsync(org.CoordinatorA);
        Assert.Equal(expected, mine.Where(n => n.Type == "pause_digest").Select(n => n.Channel));
        Assert.All(mine.Where(n => n.Type == "mentor_paused"), n => Assert.Equal("sent", n.Status));
    }
}
