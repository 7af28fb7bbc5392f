using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;

namespace Likeperson.Tests.Realtime;

/// <summary>Mentor status changes made by the real transition functions (migration 0003) reach exactly those who may see them.</summary>
public sealed class MentorStatusStreamTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Fact]
    public async Task MentorPause_ByTheTransitionFunction_ReachesTheirCoordinatorAndThemselfOnly()
    {
        var org = await server.World.StandardOrgAsync();
        await using var coordinatorA = await SseClient.OpenAsync(server.As(org.CoordinatorA), StreamHelpers.Url("topics=mentors"));
        await using var coordinatorB = await SseClient.OpenAsync(server.As(org.CoordinatorB), StreamHelpers.Url("topics=mentors"));
        await using var mentor = await SseClient.OpenAsync(server.As(org.MentorA));
        await using var otherMentor = await SseClient.OpenAsync(server.As(org.MentorA2));

        var pauseId = await SqlAs.PersonAsync(server.Database, org.CoordinatorA, async c =>
        {
            await c.ExecuteAsync("SELECT mentor_pause(@MentorA, 'Holiday', NULL, NULL, now())", org);
            return await c.ExecuteScalarAsync<Guid>("SELECT id FROM pause_records WHERE mentor_id = @MentorA AND status = 'paused'", org);
        });

        var e = await coordinatorA.NextAsync();
        Assert.Equal("mentor.status_changed", e!.Type);
        var data = e.Json;
        Assert.Equal(org.MentorA, data.GetProperty("mentor_id").GetGuid());
        Assert.Equal("Mentor A", data.GetProperty("display_name").GetString());
        Assert.Equal("active", data.GetProperty("previous_status").GetString());
        Assert.Equal("paused", data.GetProperty("new_status").GetString());
        Assert.Equal(2, data.GetProperty("version").GetInt32());
        Assert.Equal(pauseId, data.GetProperty("pause_id").GetGuid());
        Assert.EndsWith("Z", data.GetProperty("occurred_at").GetString());
        Assert.Equal(e.Id, (await mentor.NextAsync())!.Id);

        var markerB = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterB], org.MentorB);
        Assert.Equal(markerB, (await coordinatorB.NextAsync())!.Id);
        var markerA2 = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterA], org.MentorA2);
        Assert.Equal(markerA2, (await otherMentor.NextAsync())!.Id);
    }

    [Fact]
    public async Task MentorPauseAndReactivate_ThroughTheHttpEndpoints_StreamMatchesTheMentorAndTheOtherChapterSeesNothing()
    {
        var org = await server.World.StandardOrgAsync();
        await using var coordinatorA = await SseClient.OpenAsync(server.As(org.CoordinatorA), StreamHelpers.Url($"topics=mentors&chapter_id={org.ChapterA}"));
        await using var coordinatorB = await SseClient.OpenAsync(server.As(org.CoordinatorB));
        await using var admin = await SseClient.OpenAsync(server.As(org.Admin), StreamHelpers.Url("topics=mentors"));

        var paused = await (await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause", new { reason = "Exams" })).ReadAsync<JsonElement>();
        var reactivated = await (await server.As(org.CoordinatorA).TransitionAsync(org.MentorA, "reactivate")).ReadAsync<JsonElement>();

        var events = await coordinatorA.TakeAsync(2);
        Assert.Equal(events.Select(e => e.Id), (await admin.TakeAsync(2)).Select(e => e.Id));
        Assert.Equal(["paused", "active"], events.Select(e => e.Json.GetProperty("new_status").GetString()));
        Assert.Equal([paused.GetProperty("version").GetInt32(), reactivated.GetProperty("version").GetInt32()],
            events.Select(e => e.Json.GetProperty("version").GetInt32()));
        Assert.Equal(paused.GetProperty("current_pause").GetProperty("id").GetGuid(), events[0].Json.GetProperty("pause_id").GetGuid());
        Assert.Equal(events[0].Json.GetProperty("pause_id").GetGuid(), events[1].Json.GetProperty("pause_id").GetGuid());
        Assert.Equal("paused", events[1].Json.GetProperty("previous_status").GetString());

        var markerB = await server.Worker.EmitAsync(org.Id, "mentor.status_changed", [org.ChapterB], org.MentorB);
        Assert.Equal(markerB, (await coordinatorB.NextAsync())!.Id); // nothing of mentor A (chapter A) reached chapter B's coordinator
    }
}
