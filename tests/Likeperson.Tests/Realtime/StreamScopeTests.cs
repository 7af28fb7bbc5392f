using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Realtime;

/// <summary>Scope is decided per event at delivery time: membership changes apply to open streams.</summary>
public sealed class StreamScopeTests(StreamServer server) : IClassFixture<StreamServer>
{
    private static Guid IdOf(SseEvent e) => e.Json.GetProperty("id").GetGuid();

    [Fact]
    public async Task Scope_CoordinatorRemovedFromChapterOnOpenStream_StopsGettingItsEvents()
    {
        var org = await server.World.StandardOrgAsync();
        var both = await server.World.PersonAsync(org.Id, "Coordinator AB", coordinatorOf: [org.ChapterA, org.ChapterB]);
        await using var sse = await SseClient.OpenAsync(server.As(both));
        var a1 = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        Assert.Equal(a1.Id, IdOf((await sse.NextAsync())!));

        await (await server.As(org.Admin).PutAsJsonAsync($"/api/v1/organizations/{org.Id}/people/{both}/memberships",
            new { memberships = new[] { new { chapter_id = org.ChapterB, role = "coordinator" } } }, TestServer.Json)).ReadAsync<JsonElement>();
        await (await server.As(org.CoordinatorA).PatchJsonAsync(a1.Id, """{"notes": "after the removal"}""")).ReadAsync<JsonElement>();
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA);
        var b = await server.As(org.CoordinatorB).CreateAsync(org.MentorB, org.ContactB);

        var next = await sse.NextAsync(); // in position order: an event of chapter A would have come before B's
        Assert.Equal(b.Id, IdOf(next!));
    }

    [Fact]
    public async Task Scope_CoordinatorAddedToChapterOnOpenStream_StartsGettingItsEvents()
    {
        var org = await server.World.StandardOrgAsync();
        await using var sse = await SseClient.OpenAsync(server.As(org.CoordinatorB));
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA); // not B's business yet
        await (await server.As(org.Admin).PutAsJsonAsync($"/api/v1/organizations/{org.Id}/people/{org.CoordinatorB}/memberships",
            new { memberships = new[] { new { chapter_id = org.ChapterA, role = "coordinator" }, new { chapter_id = org.ChapterB, role = "coordinator" } } },
            TestServer.Json)).ReadAsync<JsonElement>();
        var later = await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA);
        Assert.Equal(later.Id, IdOf((await sse.NextAsync())!));
    }

    [Fact]
    public async Task Scope_OrgAdminFlagRevokedOnOpenStream_SeesOnlyWhatRemains()
    {
        var org = await server.World.StandardOrgAsync();
        var admin2 = await server.World.PersonAsync(org.Id, "Second admin", orgAdmin: true, coordinatorOf: [org.ChapterB]);
        await using var sse = await SseClient.OpenAsync(server.As(admin2));
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        Assert.Equal(a.Id, IdOf((await sse.NextAsync())!));
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE people SET org_admin = false WHERE id = @admin2", new { admin2 });
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA);
        var b = await server.As(org.CoordinatorB).CreateAsync(org.MentorB, org.ContactB);
        Assert.Equal(b.Id, IdOf((await sse.NextAsync())!));
    }

    [Fact]
    public async Task Scope_PersonDeletedOnOpenStream_StreamEnds()
    {
        var org = await server.World.StandardOrgAsync();
        var leaving = await server.World.PersonAsync(org.Id, "Leaving coordinator", coordinatorOf: [org.ChapterA]);
        await using var sse = await SseClient.OpenAsync(server.As(leaving));
        await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        Assert.NotNull(await sse.NextAsync());
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("DELETE FROM people WHERE id = @leaving", new { leaving });
        await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        Assert.Null(await sse.NextAsync());
    }

    [Fact]
    public async Task Scope_PeerMentor_OwnAssignmentsAndOwnStatusOnly()
    {
        var org = await server.World.StandardOrgAsync();
        await using var sse = await SseClient.OpenAsync(server.As(org.MentorA));
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA2, org.ContactA);
        await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA2);
        var own = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var status = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA);
        var events = await sse.TakeAsync(2);
        Assert.Equal(own.Id, IdOf(events[0]));
        Assert.Equal(status, events[1].Id);
    }

    [Fact]
    public async Task Notifications_OnlyTheRecipientReceivesThem()
    {
        var org = await server.World.StandardOrgAsync();
        await using var recipient = await SseClient.OpenAsync(server.As(org.CoordinatorA));
        await using var admin = await SseClient.OpenAsync(server.As(org.Admin));
        await using var colleague = await SseClient.OpenAsync(server.As(org.CoordinatorB));
        var forA = await server.Worker.EmitAsync(org.Id, "notification.created", [], null, org.CoordinatorA, """{"title": "for A"}""");
        var forAdmin = await server.Worker.EmitAsync(org.Id, "notification.created", [], null, org.Admin, """{"title": "for the admin"}""");
        var forB = await server.Worker.EmitAsync(org.Id, "notification.created", [], null, org.CoordinatorB, """{"title": "for B"}""");

        Assert.Equal(forA, (await recipient.NextAsync())!.Id);
        Assert.Equal(forAdmin, (await admin.NextAsync())!.Id); // an org admin sees the organisation, but not others' notifications
        Assert.Equal(forB, (await colleague.NextAsync())!.Id);
    }

    [Fact]
    public async Task Notifications_EndToEnd_HonorariumNotificationReachesTheChapterCoordinatorOnly()
    {
        var org = await server.World.StandardOrgAsync(honorariumThresholds: [1]);
        await using var coordinatorA = await SseClient.OpenAsync(server.As(org.CoordinatorA), StreamHelpers.Url("topics=notifications"));
        await using var coordinatorB = await SseClient.OpenAsync(server.As(org.CoordinatorB), StreamHelpers.Url("topics=notifications"));
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA); // sequence 1 = the threshold: the dispatcher notifies A

        var note = await coordinatorA.NextAsync();
        Assert.Equal("notification.created", note!.Type);
        Assert.Equal("honorarium_threshold_reached", note.Json.GetProperty("type").GetString());
        var inbox = JsonSerializer.Deserialize<JsonElement>(await server.As(org.CoordinatorA).GetStringAsync("/api/v1/notifications"));
        Assert.True(JsonElement.DeepEquals(inbox.GetProperty("items")[0], note.Json));

        var forB = await server.Worker.EmitAsync(org.Id, "notification.created", [], null, org.CoordinatorB, """{"title": "marker"}""");
        Assert.Equal(forB, (await coordinatorB.NextAsync())!.Id); // B got nothing before its own marker
    }
}
