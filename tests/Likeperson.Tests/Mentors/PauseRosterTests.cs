using System.Text.Json;
using Dapper;
using Likeperson.Mentors;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Mentors;

/// <summary>Pause history and the paused roster, on a server whose clock stands at 2026-03-01 10:00 UTC.</summary>
public sealed class PauseRosterTests(StoppedClockServer server) : IClassFixture<StoppedClockServer>
{
    private readonly World _world = new(server.Worker);
    private DateTimeOffset Now => server.Clock.Now;

    /// <summary>Pauses through the real function at a chosen moment in the past.</summary>
    private Task Pause(Guid actor, Guid mentor, DateTimeOffset at, string? reason = null, DateOnly? expectedReturn = null) =>
        SqlAs.PersonAsync(server.Database, actor, c => c.ExecuteAsync(
            "SELECT mentor_pause(@mentor, @reason, @expectedReturn, NULL, @at)", new { mentor, reason, expectedReturn, at }));

    private Task Call(Guid actor, string sql, object args) => SqlAs.PersonAsync(server.Database, actor, c => c.ExecuteAsync(sql, args));

    private async Task<Page<RosterItem>> RosterAsync(Guid caller, string query = "") =>
        await (await server.As(caller).GetAsync($"/api/v1/roster/paused{query}")).ReadAsync<Page<RosterItem>>();

    [Fact]
    public async Task History_OldestFirst_WithDurationDays()
    {
        var org = await _world.StandardOrgAsync();
        await Pause(org.MentorA, org.MentorA, Now.AddDays(-30), "Holiday");
        await Call(org.MentorA, "SELECT mentor_reactivate(@MentorA, NULL, @at)", new { org.MentorA, at = Now.AddDays(-20) });
        await Pause(org.CoordinatorA, org.MentorA, Now.AddDays(-2).AddHours(-3), "Check-in");

        var response = await server.As(org.CoordinatorA).GetAsync($"/api/v1/mentors/{org.MentorA}/pauses");
        var raw = await response.ReadAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("next_cursor").ValueKind);
        var pauses = raw.GetProperty("items").Deserialize<List<PauseResponse>>(TestServer.Json)!;
        Assert.Equal([(PauseRecordStatus.Active, PauseKind.Voluntary, "Holiday", 10), (PauseRecordStatus.Paused, PauseKind.Coordinator, "Check-in", 2)],
            pauses.Select(p => (p.Status, p.Kind, p.PauseReason, p.DurationDays)));
        Assert.Equal(Now.AddDays(-20).UtcDateTime, pauses[0].ReactivatedAt);
        Assert.Equal(pauses[0].ReactivatedAt, pauses[0].EndedAt);
        Assert.Equal(org.CoordinatorA, pauses[1].CoordinatorId);
        Assert.Equal(2, (await (await server.As(org.MentorA).GetAsync($"/api/v1/mentors/{org.MentorA}/pauses")).ReadAsync<Page<PauseResponse>>()).Items.Count);
        Assert.Equal(2, (await (await server.As(org.Admin).GetAsync($"/api/v1/mentors/{org.MentorA}/pauses")).ReadAsync<Page<PauseResponse>>()).Items.Count);
    }

    [Fact]
    public async Task History_NoPauses_IsEmpty_OutOfScope_Is404()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        Assert.Empty((await (await server.As(org.MentorA).GetAsync($"/api/v1/mentors/{org.MentorA}/pauses")).ReadAsync<Page<PauseResponse>>()).Items);
        await Pause(org.MentorA, org.MentorA, Now);
        foreach (var outsider in new[] { org.CoordinatorB, org.MentorA2, other.Admin })
            await (await server.As(outsider).GetAsync($"/api/v1/mentors/{org.MentorA}/pauses")).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).GetAsync($"/api/v1/mentors/{Guid.NewGuid()}/pauses")).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task Roster_ScopeOrderingAndChapterFilter()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        var other = await _world.StandardOrgAsync();
        var a3 = await _world.PersonAsync(org.Id, "Mentor A3", mentorIn: [org.ChapterA]);
        var b2 = await _world.PersonAsync(org.Id, "Mentor B2", mentorIn: [org.ChapterB]);
        var gone = await _world.PersonAsync(org.Id, "Mentor Gone", mentorIn: [org.ChapterA]);
        await Pause(org.MentorA, org.MentorA, Now.AddDays(-5));
        await Pause(org.CoordinatorA, org.MentorA2, Now.AddDays(-3));
        await Pause(org.CoordinatorB, org.MentorB, Now.AddDays(-4));
        await Pause(b2, b2, Now.AddDays(-1));
        await Call(b2, "SELECT mentor_reactivate(@b2, NULL, @Now)", new { b2, Now }); // pending_reactivation: still on the roster
        await Pause(org.Admin, gone, Now.AddDays(-2));
        await Call(org.Admin, "SELECT mentor_deactivate(@gone, 'Moved', NULL, @Now)", new { gone, Now });
        await Pause(other.Admin, other.MentorA, Now.AddDays(-1));
        _ = a3; // active: never on the roster

        Guid[] Ids(Page<RosterItem> page) => page.Items.Select(i => i.MentorId).ToArray();
        var all = await RosterAsync(org.Admin);
        Assert.Equal([b2, org.MentorA2, org.MentorB, org.MentorA], Ids(all));
        Assert.Null(all.NextCursor);
        Assert.Equal(MentorStatus.PendingReactivation, all.Items[0].Status);
        Assert.Equal([MentorStatus.Paused, MentorStatus.Paused, MentorStatus.Paused], all.Items.Skip(1).Select(i => i.Status));
        Assert.Equal([org.MentorA2, org.MentorA], Ids(await RosterAsync(org.CoordinatorA)));
        Assert.Equal([b2, org.MentorB], Ids(await RosterAsync(org.CoordinatorB)));
        Assert.Equal([org.MentorA], Ids(await RosterAsync(org.MentorA)));
        Assert.Empty(Ids(await RosterAsync(a3)));
        Assert.Equal([other.MentorA], Ids(await RosterAsync(other.Admin)));
        Assert.Equal([org.MentorA2, org.MentorA], Ids(await RosterAsync(org.Admin, $"?chapter_id={org.ChapterA}")));
        Assert.Empty(Ids(await RosterAsync(org.CoordinatorA, $"?chapter_id={org.ChapterB}")));
        Assert.Empty(Ids(await RosterAsync(org.Admin, $"?chapter_id={other.ChapterA}")));

        var item = all.Items.Single(i => i.MentorId == org.MentorA2);
        var pause = Assert.Single(await server.Worker.PausesAsync(org.MentorA2));
        Assert.Equal((pause.Id, PauseKind.Coordinator, "Mentor A2", Now.AddDays(-3).UtcDateTime),
            (item.PauseId, item.Kind, item.DisplayName, item.PausedAt));
        Assert.Equal([org.ChapterA], item.ChapterIds);
    }

    [Fact]
    public async Task Roster_ShowsEachMentorOnce_WithAllTheirChapters_AndOpenAssignments()
    {
        var org = await _world.StandardOrgAsync();
        var both = await _world.PersonAsync(org.Id, "Two Chapters", mentorIn: [org.ChapterA, org.ChapterB],
            certificationExpiresAt: new DateOnly(2027, 5, 1));
        await _world.AssignmentRowAsync(org.Id, both, org.ContactA, 1, "open");
        await _world.AssignmentRowAsync(org.Id, both, org.ContactB, 2, "pending");
        await _world.AssignmentRowAsync(org.Id, both, org.ContactA, 3, "completed");
        await Pause(org.Admin, both, Now.AddHours(-1), "Busy");
        var item = Assert.Single((await RosterAsync(org.Admin)).Items);
        Assert.Equal(new[] { org.ChapterA, org.ChapterB }.Order(), item.ChapterIds);
        Assert.Equal((2, (DateOnly?)new DateOnly(2027, 5, 1), "Busy"), (item.OpenAssignmentCount, item.CertificationExpiresAt, item.PauseReason));
        Assert.Single((await RosterAsync(org.CoordinatorA)).Items);
        Assert.Single((await RosterAsync(org.CoordinatorB)).Items);
    }

    [Theory]
    [InlineData("Europe/Oslo", "2026-02-28", true)]      // 1 March 11:00 in Oslo
    [InlineData("Europe/Oslo", "2026-03-01", false)]
    [InlineData("Pacific/Kiritimati", "2026-03-01", true)] // already 2 March 00:00 there
    [InlineData("Pacific/Kiritimati", "2026-03-02", false)]
    [InlineData("America/Los_Angeles", "2026-03-01", false)] // 1 March 02:00 there
    [InlineData("Europe/Oslo", null, false)]
    public async Task Roster_Overdue_IsJudgedInTheOrganisationsTimeZone(string timezone, string? expectedReturn, bool overdue)
    {
        var orgId = await _world.OrganizationAsync(timezone: timezone);
        var chapter = await _world.ChapterAsync(orgId);
        var admin = await _world.PersonAsync(orgId, "Admin", orgAdmin: true);
        var mentor = await _world.PersonAsync(orgId, "Mentor", mentorIn: [chapter]);
        await Pause(admin, mentor, Now.AddDays(-10), expectedReturn: expectedReturn is null ? null : DateOnly.Parse(expectedReturn));
        var item = Assert.Single((await RosterAsync(admin)).Items);
        Assert.Equal(overdue, item.Overdue);
        Assert.Equal(expectedReturn, item.ExpectedReturnDate?.ToString("yyyy-MM-dd"));
    }

    [Fact]
    public async Task Roster_PagesAcrossTies_WithoutDuplicatesOrGaps()
    {
        var orgId = await _world.OrganizationAsync();
        var chapter = await _world.ChapterAsync(orgId);
        var admin = await _world.PersonAsync(orgId, "Admin", orgAdmin: true);
        var expected = new List<(DateTime, Guid)>();
        for (var i = 0; i < 23; i++)
        {
            var mentor = await _world.PersonAsync(orgId, $"Mentor {i}", mentorIn: [chapter]);
            var at = Now.AddHours(-(i / 3)); // three mentors share each pause moment
            await Pause(admin, mentor, at);
            expected.Add((at.UtcDateTime, mentor));
        }
        var order = expected.OrderByDescending(e => e.Item1).ThenBy(e => e.Item2).Select(e => e.Item2).ToList();
        Assert.Equal(order, (await RosterAsync(admin, "?limit=200")).Items.Select(i => i.MentorId));

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await RosterAsync(admin, $"?limit=4{(cursor is null ? "" : $"&cursor={cursor}")}");
            Assert.True(page.Items.Count is > 0 and <= 4);
            seen.AddRange(page.Items.Select(i => i.MentorId));
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null);
        Assert.Equal(6, pages);
        Assert.Equal(order, seen);
    }

    [Theory]
    [InlineData("?limit=0", 422)]
    [InlineData("?limit=201", 422)]
    [InlineData("?cursor=not-a-cursor", 400)]
    [InlineData("?chapter_id=nope", 400)]
    public async Task Roster_BadQuery_Is4xx(string query, int status)
    {
        var org = await _world.StandardOrgAsync();
        var response = await server.As(org.Admin).GetAsync($"/api/v1/roster/paused{query}");
        Assert.Equal(status, (int)response.StatusCode);
    }
}
