using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>`GET /api/v1/me`, which the web UI builds its navigation from.</summary>
public sealed class WhoAmITests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task Me_PersonWithBothRoles_ListsRolesAndChaptersFromTheDatabase()
    {
        var org = await _world.OrganizationAsync();
        var a = await _world.ChapterAsync(org);
        var b = await _world.ChapterAsync(org);
        var person = await _world.PersonAsync(org, "Both Roles", mentorIn: [a], coordinatorOf: [b]);
        var me = await server.As(person).GetAsync("/api/v1/me").Result.ReadAsync<JsonElement>();
        Assert.Equal(person.ToString(), me.GetProperty("person").GetProperty("id").GetString());
        Assert.Equal("Both Roles", me.GetProperty("person").GetProperty("display_name").GetString());
        Assert.Equal(org.ToString(), me.GetProperty("organization").GetProperty("id").GetString());
        Assert.Equal("Europe/Oslo", me.GetProperty("organization").GetProperty("timezone").GetString());
        Assert.Equal(["coordinator", "peer_mentor"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        var chapters = me.GetProperty("chapters").EnumerateArray().ToDictionary(c => Guid.Parse(c.GetProperty("id").GetString()!),
            c => c.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Single());
        Assert.Equal(new Dictionary<Guid, string?> { [a] = "peer_mentor", [b] = "coordinator" }, chapters);
    }

    [Fact]
    public async Task Me_OrgAdminWithoutChapters_HasTheAdminRoleOnly()
    {
        var org = await _world.OrganizationAsync();
        var admin = await _world.PersonAsync(org, "Admin", orgAdmin: true);
        var me = await server.As(admin).GetAsync("/api/v1/me").Result.ReadAsync<JsonElement>();
        Assert.Equal(["org_admin"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal(0, me.GetProperty("chapters").GetArrayLength());
    }

    [Fact]
    public async Task Me_UnknownSubjectOrNoToken_Is404Or401()
    {
        await (await server.As(Guid.NewGuid()).GetAsync("/api/v1/me")).ProblemAsync(404, "not_found");
        await (await server.As(TestServer.SystemAdmin).GetAsync("/api/v1/me")).ProblemAsync(404, "not_found");
        await (await server.Anonymous().GetAsync("/api/v1/me")).ProblemAsync(401, "unauthorized");
    }
}
