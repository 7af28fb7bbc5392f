using System.Text.Json;
using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

/// <summary>`GET /assignments/{id}/activities`: newest first, keyset-paged, seen by exactly those who see the assignment.</summary>
public sealed class AssignmentActivityListTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task List_ThreeActivities_NewestFirstInPagesWithTheRecordersName()
    {
        var org = await _world.StandardOrgAsync();
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var now = DateTimeOffset.UtcNow;
        foreach (var (hours, note) in new[] { (5, "first"), (1, "third"), (3, "second") })
            await (await server.As(org.MentorA).RecordActivityAsync(a.Id, now.AddHours(-hours), note: note)).ReadAsync<ActivityResponse>(201);

        var coordinator = server.As(org.CoordinatorA);
        var first = await (await coordinator.GetAsync($"/api/v1/assignments/{a.Id}/activities?limit=2")).ReadAsync<JsonElement>();
        var cursor = first.GetProperty("next_cursor").GetString();
        var rest = await (await coordinator.GetAsync($"/api/v1/assignments/{a.Id}/activities?limit=2&cursor={cursor}")).ReadAsync<JsonElement>();

        string[] Notes(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("note").GetString()!).ToArray();
        Assert.Equal(["third", "second"], Notes(first));
        Assert.Equal(["first"], Notes(rest));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_cursor").ValueKind);
        var item = first.GetProperty("items")[0];
        Assert.Equal(("Mentor A", org.MentorA.ToString(), "contact"), (item.GetProperty("recorded_by_display_name").GetString(),
            item.GetProperty("recorded_by").GetString(), item.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task List_OutsideTheCallersScope_Is404LikeAnUnknownId()
    {
        var org = await _world.StandardOrgAsync();
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);

        foreach (var stranger in new[] { org.CoordinatorB, org.MentorA2 })
            await (await server.As(stranger).GetAsync($"/api/v1/assignments/{a.Id}/activities")).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).GetAsync($"/api/v1/assignments/{Guid.NewGuid()}/activities")).ProblemAsync(404, "not_found");
        Assert.Equal(0, (await (await server.As(org.MentorA).GetAsync($"/api/v1/assignments/{a.Id}/activities")).ReadAsync<JsonElement>())
            .GetProperty("items").GetArrayLength());
    }
}
