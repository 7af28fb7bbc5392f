using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>FCM not reachable at all: transitions and in-app notifications are untouched; push rows fail with the error recorded.</summary>
public sealed class FcmDownTests(FcmDownServer server) : IClassFixture<FcmDownServer>
{
    [Fact]
    public async Task Push_FcmUnreachable_OutboxProcessedInAppSentPushFailedAndLogged()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        Assert.Equal(201, (int)(await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/me/devices",
            new { token = $"t-{Guid.NewGuid()}", platform = "web" })).StatusCode);
        var outbox = new Outbox(server.Worker);

        var id = await outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA);
        var rows = await outbox.SettledAsync(id);

        Assert.True(await outbox.ProcessedAsync(id));
        Assert.All(rows.Where(r => r.Channel == "in_app"), r => Assert.Equal("sent", r.Status));
        var push = rows.Single(r => r.Channel == "push" && r.RecipientId == org.CoordinatorA);
        Assert.Equal("failed", push.Status);
        Assert.Contains("HttpRequestException", push.Error);
        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Push delivery failed") && Equals(e.State["MentorId"], org.MentorA));
    }
}
