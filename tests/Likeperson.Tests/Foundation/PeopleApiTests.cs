using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>POST /organizations/{id}/people and PUT .../people/{id}/memberships through HTTP.</summary>
public sealed class PeopleApiTests(TestServer server) : IClassFixture<TestServer>
{
    private World World => new(server.Worker);

    private static string People(Guid org) => $"/api/v1/organizations/{org}/people";

    private static Task<HttpResponseMessage> PutMembershipsAsync(HttpClient client, Guid org, Guid person, object body) =>
        client.PutAsJsonAsync($"{People(org)}/{person}/memberships", body, TestServer.Json);

    [Fact]
    public async Task Create_MentorAndCoordinator_Returns201AndTheyCanSignIn()
    {
        var org = await World.StandardOrgAsync();
        var response = await server.As(org.Admin).PostJsonAsync(People(org.Id), new
        {
            display_name = " Ola ", certification_expires_at = "2031-05-17",
            memberships = new object[] { new { chapter_id = org.ChapterA, role = "peer_mentor" }, new { chapter_id = org.ChapterB, role = "coordinator" } },
        });
        var person = await response.ReadAsync<JsonElement>(201);
        ApiShape.HasMembers(person, "id", "display_name", "organization_id", "org_admin", "memberships");
        ApiShape.HasMembers(person.GetProperty("memberships")[0], "chapter_id", "role");
        Assert.Equal(("Ola", false, "peer_mentor", "coordinator"), (person.GetProperty("display_name").GetString(),
            person.GetProperty("org_admin").GetBoolean(), person.GetProperty("memberships")[0].GetProperty("role").GetString(),
            person.GetProperty("memberships")[1].GetProperty("role").GetString()));
        var id = person.GetProperty("id").GetGuid();
        Assert.Equal($"{People(org.Id)}/{id}", response.Headers.Location?.OriginalString);

        var mentor = await (await server.As(id).GetAsync($"/api/v1/mentors/{id}")).ReadAsync<JsonElement>();
        Assert.Equal(("active", "2031-05-17"), (mentor.GetProperty("status").GetString(), mentor.GetProperty("certification_expires_at").GetString()));
        var admin = await (await server.AsSystemAdmin().PostJsonAsync(People(org.Id), new { display_name = "Second admin", org_admin = true }))
            .ReadAsync<JsonElement>(201);
        Assert.Equal(0, admin.GetProperty("memberships").GetArrayLength());
    }

    [Fact]
    public async Task Create_InvalidFields_Returns422AndCreatesNothing()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var problem = await (await server.As(org.Admin).PostJsonAsync(People(org.Id), new
        {
            display_name = "", certification_expires_at = "2030-01-01",
            memberships = new object[] { new { chapter_id = org.ChapterA, role = "coordinator" }, new { role = "coordinator" } },
        })).ProblemAsync(422, "validation_failed");
        Assert.Equal(["certification_expires_at", "display_name", "memberships"], ApiShape.ErrorFields(problem));
        foreach (var memberships in new object[] { new object[] { new { chapter_id = other.ChapterA, role = "peer_mentor" } },
                                                    new object[] { new { chapter_id = Guid.NewGuid(), role = "coordinator" } },
                                                    new object[] { new { chapter_id = org.ChapterA } },
                                                    new object?[] { null } })
        {
            var p = await (await server.As(org.Admin).PostJsonAsync(People(org.Id), new { display_name = "X", memberships }))
                .ProblemAsync(422, "validation_failed");
            Assert.Equal(["memberships"], ApiShape.ErrorFields(p));
        }
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task Create_OutsideRoleOrScope_Returns403Or404()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        foreach (var person in new[] { org.CoordinatorA, org.MentorA })
            await (await server.As(person).PostJsonAsync(People(org.Id), new { display_name = "X" })).ProblemAsync(403, "forbidden");
        await (await server.As(other.Admin).PostJsonAsync(People(org.Id), new { display_name = "X" })).ProblemAsync(404, "not_found");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task ReplaceMemberships_AsOrgAdmin_ReplacesAllAndMakesAMentor()
    {
        var org = await World.StandardOrgAsync();
        var body = new { memberships = new object[] { new { chapter_id = org.ChapterB, role = "peer_mentor" }, new { chapter_id = org.ChapterB, role = "coordinator" } } };
        var person = await (await PutMembershipsAsync(server.As(org.Admin), org.Id, org.CoordinatorA, body)).ReadAsync<JsonElement>();
        ApiShape.HasMembers(person, "id", "display_name", "organization_id", "org_admin", "memberships");
        Assert.Equal("Coordinator A", person.GetProperty("display_name").GetString());
        await using var conn = await server.Worker.OpenConnectionAsync();
        var rows = await conn.QueryAsync<string>(
            "SELECT chapter_id || ' ' || role FROM chapter_memberships WHERE person_id = @CoordinatorA ORDER BY role", org);
        Assert.Equal([$"{org.ChapterB} coordinator", $"{org.ChapterB} peer_mentor"], rows);
        await (await server.As(org.CoordinatorA).GetAsync($"/api/v1/mentors/{org.CoordinatorA}")).ReadAsync<JsonElement>();
        var none = await (await PutMembershipsAsync(server.As(org.Admin), org.Id, org.CoordinatorA, new { memberships = Array.Empty<object>() }))
            .ReadAsync<JsonElement>();
        Assert.Equal(0, none.GetProperty("memberships").GetArrayLength());
    }

    [Fact]
    public async Task ReplaceMemberships_RefusedRequests_ChangeNothing()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var valid = new { memberships = new object[] { new { chapter_id = org.ChapterB, role = "coordinator" } } };
        var mixed = new { memberships = new object[] { new { chapter_id = org.ChapterB, role = "coordinator" }, new { chapter_id = other.ChapterA, role = "coordinator" } } };
        await (await PutMembershipsAsync(server.As(org.Admin), org.Id, org.MentorA, mixed)).ProblemAsync(422, "validation_failed");
        await (await PutMembershipsAsync(server.As(org.Admin), org.Id, other.MentorA, valid)).ProblemAsync(404, "not_found");
        await (await PutMembershipsAsync(server.As(org.Admin), org.Id, Guid.NewGuid(), valid)).ProblemAsync(404, "not_found");
        await (await PutMembershipsAsync(server.As(other.Admin), org.Id, org.MentorA, valid)).ProblemAsync(404, "not_found");
        foreach (var client in new[] { server.As(org.CoordinatorA), server.As(org.MentorA), server.AsSystemAdmin() })
            await (await PutMembershipsAsync(client, org.Id, org.MentorA, valid)).ProblemAsync(403, "forbidden");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }
}
