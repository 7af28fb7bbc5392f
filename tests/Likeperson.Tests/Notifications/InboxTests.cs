using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>The in-app centre with Push:Provider = none (the default): list, unread count, receipts, scope, stream events.</summary>
public sealed class InboxTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);
    private readonly Outbox _outbox = new(server.Worker);

    private sealed record Item(Guid Id, string Type, string Title, string Body, JsonElement Data, string Status, string CreatedAt,
        string? DeliveredAt, string? OpenedAt, string? AcknowledgedAt);
    private sealed record Inbox(List<Item> Items, string? NextCursor, int UnreadCount);

    private async Task<Inbox> InboxAsync(Guid person, string query = "") =>
        await (await server.As(person).GetAsync($"/api/v1/notifications{query}")).ReadAsync<Inbox>();

    private async Task<Guid> OneNotificationAsync(Org org)
    {
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA));
        return (await InboxAsync(org.CoordinatorA)).Items.Single().Id;
    }

    [Fact]
    public async Task Dispatch_PushProviderNone_InAppRowsOnly()
    {
        var org = await _world.StandardOrgAsync();
        var rows = await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.MentorA));
        Assert.Equal(["mentor_paused/in_app/sent", "pause_confirmation/in_app/sent"], rows.Select(r => $"{r.Type}/{r.Channel}/{r.Status}").Order());
    }

    [Fact]
    public async Task List_NewestFirstWithUnreadCountAndCursorPages()
    {
        var org = await _world.StandardOrgAsync();
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "pause", "active", "paused", org.CoordinatorA));
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA2, "pause", "active", "paused", org.CoordinatorA,
            displayName: "Mentor A2"));
        await _outbox.SettledAsync(await _outbox.StatusChangedAsync(org.Id, org.MentorA, "reactivate", "paused", "active", org.CoordinatorA));

        var first = await InboxAsync(org.CoordinatorA, "?limit=2");
        var second = await InboxAsync(org.CoordinatorA, $"?limit=2&cursor={first.NextCursor}");

        Assert.Equal(3, first.UnreadCount);
        Assert.Equal([("mentor_reactivated", "Mentor A"), ("mentor_paused", "Mentor A2")],
            first.Items.Select(i => (i.Type, i.Data.GetProperty("mentor_display_name").GetString())));
        Assert.Equal([("mentor_paused", "Mentor A")], second.Items.Select(i => (i.Type, i.Data.GetProperty("mentor_display_name").GetString())));
        Assert.Null(second.NextCursor);
        Assert.All(first.Items.Concat(second.Items), i => Assert.EndsWith("Z", i.CreatedAt));
        await (await server.As(org.CoordinatorA).GetAsync("/api/v1/notifications?cursor=garbage")).ProblemAsync(400, "malformed_request");
    }

    [Fact]
    public async Task Mark_OwnNotification_MovesForwardOnly()
    {
        var org = await _world.StandardOrgAsync();
        var id = await OneNotificationAsync(org);
        var me = server.As(org.CoordinatorA);

        Assert.Equal(204, (int)(await me.PostAsync($"/api/v1/notifications/{id}/delivered", null)).StatusCode);
        var delivered = await InboxAsync(org.CoordinatorA);
        Assert.Equal(("delivered", 1), (delivered.Items[0].Status, delivered.UnreadCount));
        Assert.Equal(204, (int)(await me.PostAsync($"/api/v1/notifications/{id}/opened", null)).StatusCode);
        Assert.Equal(204, (int)(await me.PostAsync($"/api/v1/notifications/{id}/opened", null)).StatusCode); // repeating is harmless
        await (await me.PostAsync($"/api/v1/notifications/{id}/delivered", null)).ProblemAsync(409, "status_regression");
        Assert.Empty((await InboxAsync(org.CoordinatorA, "?unread=true")).Items);
        Assert.Equal(204, (int)(await me.PostAsync($"/api/v1/notifications/{id}/acknowledge", null)).StatusCode);

        var done = (await InboxAsync(org.CoordinatorA)).Items.Single();
        Assert.Equal("acknowledged", done.Status);
        Assert.NotNull(done.DeliveredAt);
        Assert.NotNull(done.OpenedAt);
        Assert.NotNull(done.AcknowledgedAt);
    }

    [Fact]
    public async Task Mark_SomeoneElsesNotification_NotFoundAndNeverListed()
    {
        var org = await _world.StandardOrgAsync();
        var id = await OneNotificationAsync(org);

        foreach (var other in new[] { org.CoordinatorB, org.Admin, org.MentorA })
        {
            await (await server.As(other).PostAsync($"/api/v1/notifications/{id}/opened", null)).ProblemAsync(404, "not_found");
            Assert.DoesNotContain((await InboxAsync(other)).Items, i => i.Id == id);
        }
        await (await server.As(org.CoordinatorA).PostAsync($"/api/v1/notifications/{Guid.NewGuid()}/opened", null)).ProblemAsync(404, "not_found");
        Assert.Equal("sent", (await InboxAsync(org.CoordinatorA)).Items.Single().Status);
    }

    [Fact]
    public async Task NotificationCreated_EventCarriesTheListedItem_VisibleToTheRecipientOnly()
    {
        var org = await _world.StandardOrgAsync();
        var id = await OneNotificationAsync(org);
        var listed = JsonNode.Parse(await (await server.As(org.CoordinatorA).GetAsync("/api/v1/notifications")).Content.ReadAsStringAsync())!
            ["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == id.ToString());

        async Task<List<string>> EventsSeenBy(Guid person) => await SqlAs.PersonAsync(server.Database, person, async c =>
            (await c.QueryAsync<string>("SELECT payload::text FROM change_events WHERE event_type = 'notification.created' AND payload->>'id' = @id",
                new { id = id.ToString() })).ToList());

        var payload = Assert.Single(await EventsSeenBy(org.CoordinatorA));
        Assert.True(JsonNode.DeepEquals(listed, JsonNode.Parse(payload)), $"event {payload} differs from listed {listed}");
        Assert.Empty(await EventsSeenBy(org.Admin));
        Assert.Empty(await EventsSeenBy(org.CoordinatorB));
    }
}
