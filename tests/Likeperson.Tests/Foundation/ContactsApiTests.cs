using System.Text.Json;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>POST /contacts through HTTP.</summary>
public sealed class ContactsApiTests(TestServer server) : IClassFixture<TestServer>
{
    private World World => new(server.Worker);

    [Fact]
    public async Task Create_AsChapterCoordinatorOrOrgAdmin_Returns201()
    {
        var org = await World.StandardOrgAsync();
        foreach (var person in new[] { org.CoordinatorA, org.Admin })
        {
            var response = await server.As(person).PostJsonAsync("/api/v1/contacts", new { display_name = " Kari ", chapter_id = org.ChapterA });
            var contact = await response.ReadAsync<JsonElement>(201);
            ApiShape.HasMembers(contact, "id", "organization_id", "chapter_id", "display_name");
            Assert.Equal(("Kari", org.Id, org.ChapterA), (contact.GetProperty("display_name").GetString(),
                contact.GetProperty("organization_id").GetGuid(), contact.GetProperty("chapter_id").GetGuid()));
            Assert.Equal($"/api/v1/contacts/{contact.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task Create_InvalidFields_Returns422WithEachField()
    {
        var org = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        var problem = await (await server.As(org.Admin).PostJsonAsync("/api/v1/contacts", new { display_name = new string('x', 201) }))
            .ProblemAsync(422, "validation_failed");
        Assert.Equal(["chapter_id", "display_name"], ApiShape.ErrorFields(problem));
        await (await server.As(org.Admin).PostJsonAsync("/api/v1/contacts", new { display_name = " ", chapter_id = Guid.Empty }))
            .ProblemAsync(422, "validation_failed");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task Create_OutsideRoleOrScope_Returns403Or404AndCreatesNothing()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var before = await ApiShape.SetupStateAsync(server.Worker);
        await (await server.As(org.MentorA).PostJsonAsync("/api/v1/contacts", new { display_name = "K", chapter_id = org.ChapterA }))
            .ProblemAsync(403, "forbidden");
        await (await server.As(org.CoordinatorA).PostJsonAsync("/api/v1/contacts", new { display_name = "K", chapter_id = org.ChapterB }))
            .ProblemAsync(403, "forbidden");
        await (await server.As(other.Admin).PostJsonAsync("/api/v1/contacts", new { display_name = "K", chapter_id = org.ChapterA }))
            .ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).PostJsonAsync("/api/v1/contacts", new { display_name = "K", chapter_id = Guid.NewGuid() }))
            .ProblemAsync(404, "not_found");
        await (await server.AsSystemAdmin().PostJsonAsync("/api/v1/contacts", new { display_name = "K", chapter_id = org.ChapterA }))
            .ProblemAsync(403, "forbidden");
        await (await server.As(other.Admin).GetAsync($"/api/v1/contacts/{org.ContactA}")).ProblemAsync(404, "not_found");
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }
}
