using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>POST /organizations/{id}/chapters through HTTP.</summary>
public sealed class ChaptersApiTests(TestServer server) : IClassFixture<TestServer>
{
    private World World => new(server.Worker);

    [Fact]
    public async Task Create_AsOrgAdminOrSystemAdmin_Returns201()
    {
        var org = await World.StandardOrgAsync();
        var response = await server.As(org.Admin).PostJsonAsync($"/api/v1/organizations/{org.Id}/chapters", new { name = " Oslo " });
        var chapter = await response.ReadAsync<JsonElement>(201);
        ApiShape.HasMembers(chapter, "id", "organization_id", "name");
        Assert.Equal(("Oslo", org.Id), (chapter.GetProperty("name").GetString(), chapter.GetProperty("organization_id").GetGuid()));
        Assert.EndsWith($"/chapters/{chapter.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        await (await server.AsSystemAdmin().PostJsonAsync($"/api/v1/organizations/{org.Id}/chapters", new { name = "Bergen" })).ReadAsync<JsonElement>(201);
        var list = await (await server.As(org.MentorA).GetAsync($"/api/v1/organizations/{org.Id}/chapters")).ReadAsync<JsonElement>();
        ApiShape.HasMembers(list, "items", "next_cursor");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("name").GetString() == "Bergen");
    }

    [Fact]
    public async Task Create_InvalidOrDuplicateName_Returns422Or409AndCreatesNothing()
    {
        var org = await World.StandardOrgAsync();
        var url = $"/api/v1/organizations/{org.Id}/chapters";
        await (await server.As(org.Admin).PostJsonAsync(url, new { name = "Tromsø" })).ReadAsync<JsonElement>(201);
        var before = await ApiShape.SetupStateAsync(server.Worker);
        foreach (var name in new[] { "", "   ", new string('c', 201) })
        {
            var problem = await (await server.As(org.Admin).PostJsonAsync(url, new { name })).ProblemAsync(422, "validation_failed");
            Assert.Equal(["name"], ApiShape.ErrorFields(problem));
        }
        await (await server.As(org.Admin).PostJsonAsync(url, new { })).ProblemAsync(422, "validation_failed");
        await (await server.As(org.Admin).PostJsonAsync(url, new { name = "Tromsø" })).ProblemAsync(409, "conflict");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task Create_NotAdmin_Returns403AndOtherOrganization404()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var url = $"/api/v1/organizations/{org.Id}/chapters";
        var before = await ApiShape.SetupStateAsync(server.Worker);
        foreach (var person in new[] { org.CoordinatorA, org.MentorA })
            await (await server.As(person).PostJsonAsync(url, new { name = "Mine" })).ProblemAsync(403, "forbidden");
        await (await server.As(other.Admin).PostJsonAsync(url, new { name = "Mine" })).ProblemAsync(404, "not_found");
        await (await server.AsSystemAdmin().PostJsonAsync($"/api/v1/organizations/{Guid.NewGuid()}/chapters", new { name = "Mine" }))
            .ProblemAsync(404, "not_found");
        await (await server.As(other.Admin).GetAsync(url)).ProblemAsync(404, "not_found");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }
}
