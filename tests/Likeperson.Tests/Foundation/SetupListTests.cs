using Likeperson.Database;
using Likeperson.Organizations;
using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// The set-up screens' reads (people, contacts, chapters with counts), run as the caller under row-level security:
/// another organisation's data is never visible, a coordinator sees only their chapters' contacts.
/// </summary>
public sealed class SetupListTests(TestServer server) : IClassFixture<TestServer>
{
    private World World => new(server.Worker);
    private Db Db => server.Services.GetRequiredService<Db>();

    private async Task<List<PersonSummary>> AllPeopleAsync(Guid caller, Guid? chapter = null, string? search = null, int limit = 50)
    {
        var all = new List<PersonSummary>();
        string? cursor = null;
        do
        {
            var page = await Db.AsPersonAtOnceAsync(caller, PeopleList.Page(chapter, search, limit, cursor));
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return all;
    }

    [Fact]
    public async Task PeopleList_OrgAdmin_SeesEveryoneOfTheOrganisationWithRolesAndNobodyOfAnother()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();

        var people = await AllPeopleAsync(org.Admin);

        Assert.Equal(new[] { org.Admin, org.CoordinatorA, org.CoordinatorB, org.MentorA, org.MentorA2, org.MentorB }.Order(),
            people.Select(p => p.Id).Order());
        var mentor = people.Single(p => p.Id == org.MentorA);
        Assert.Equal([(org.ChapterA, ChapterRole.PeerMentor)], mentor.Memberships.Select(m => (m.ChapterId, m.Role)));
        Assert.NotNull(mentor.CertificationExpiresAt);
        Assert.Equal(Likeperson.Mentors.MentorStatus.Active, mentor.MentorStatus);
        Assert.True(people.Single(p => p.Id == org.Admin).OrgAdmin);
        Assert.Null(people.Single(p => p.Id == org.CoordinatorA).MentorStatus);
        Assert.Null(await Db.AsPersonAtOnceAsync(org.Admin, PeopleList.One(other.MentorA)));
        Assert.Equal(org.MentorA, (await Db.AsPersonAtOnceAsync(org.Admin, PeopleList.One(org.MentorA)))!.Id);
    }

    [Fact]
    public async Task PeopleList_ChapterFilterSearchAndPaging_NarrowAndCoverEveryoneOnce()
    {
        var org = await World.StandardOrgAsync();

        var inA = await AllPeopleAsync(org.Admin, chapter: org.ChapterA);
        Assert.Equal(new[] { org.CoordinatorA, org.MentorA, org.MentorA2 }.Order(), inA.Select(p => p.Id).Order());
        Assert.Equal([org.MentorA2], (await AllPeopleAsync(org.Admin, search: "or a2")).Select(p => p.Id));
        Assert.Empty(await AllPeopleAsync(org.Admin, search: "%"));

        var paged = await AllPeopleAsync(org.Admin, limit: 4);
        Assert.Equal((await AllPeopleAsync(org.Admin)).Select(p => p.Id), paged.Select(p => p.Id));
        Assert.Equal(paged.Select(p => p.DisplayName).Order(StringComparer.Ordinal), paged.Select(p => p.DisplayName));
    }

    [Fact]
    public async Task ContactList_CoordinatorSeesTheirChapters_AdminAll_MentorAndAnotherOrganisationNone()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();

        async Task<Guid[]> ContactsOf(Guid caller, Guid? chapter = null) =>
            (await Db.AsPersonAtOnceAsync(caller, ContactList.Page(chapter, 50, null))).Items.Select(c => c.Id).Order().ToArray();

        Assert.Equal([org.ContactA], await ContactsOf(org.CoordinatorA));
        Assert.Empty(await ContactsOf(org.CoordinatorA, org.ChapterB));
        Assert.Equal(new[] { org.ContactA, org.ContactB }.Order(), await ContactsOf(org.Admin));
        Assert.Equal([org.ContactB], await ContactsOf(org.Admin, org.ChapterB));
        Assert.Empty(await ContactsOf(org.MentorA));
        Assert.Empty(await ContactsOf(org.Admin, other.ChapterA));
        Assert.Equal([org.ChapterA], (await Db.AsPersonAtOnceAsync(org.CoordinatorA, ChapterList.ForContacts())).Select(c => c.Id));
    }

    [Fact]
    public async Task ChapterList_WithCounts_CountsMentorsAndCoordinatorsOfTheOwnOrganisationOnly()
    {
        var org = await World.StandardOrgAsync();
        await World.StandardOrgAsync();

        var chapters = await Db.AsPersonAtOnceAsync(org.Admin, ChapterList.WithCounts());

        Assert.Equal(new[] { org.ChapterA, org.ChapterB }.Order(), chapters.Select(c => c.Id).Order());
        Assert.Equal((2, 1), chapters.Where(c => c.Id == org.ChapterA).Select(c => (c.Mentors, c.Coordinators)).Single());
        Assert.Equal((1, 1), chapters.Where(c => c.Id == org.ChapterB).Select(c => (c.Mentors, c.Coordinators)).Single());
    }

    [Fact]
    public async Task ListEndpoints_ScopeAndRoles_AnotherOrganisationIs404ACoordinatorSeesOwnContactsOnly()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var path = $"/api/v1/organizations/{org.Id}/people";

        var people = await (await server.As(org.Admin).GetAsync(path + $"?chapter_id={org.ChapterB}")).ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal(new[] { org.CoordinatorB, org.MentorB }.Order(), people.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).Order());
        var mentor = people.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == org.MentorB);
        ApiShape.HasMembers(mentor, "id", "display_name", "org_admin", "memberships", "mentor_status", "mentor_version", "certification_expires_at");
        await (await server.As(other.Admin).GetAsync(path)).ProblemAsync(404, "not_found");
        await (await server.As(org.CoordinatorA).GetAsync(path)).ProblemAsync(403, "forbidden");
        await (await server.As(org.Admin).GetAsync($"{path}/{other.MentorA}")).ProblemAsync(404, "not_found");

        var contacts = await (await server.As(org.CoordinatorA).GetAsync("/api/v1/contacts")).ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal([org.ContactA], contacts.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        var none = await (await server.As(other.Admin).GetAsync($"/api/v1/contacts?chapter_id={org.ChapterA}")).ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
    }
}
