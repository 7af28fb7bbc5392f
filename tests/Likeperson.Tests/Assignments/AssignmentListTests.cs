using Dapper;
using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

public sealed class AssignmentListTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private sealed record ListPage(List<AssignmentResponse> Items, string? NextCursor, long StreamPosition);

    private static async Task<ListPage> ListAsync(HttpClient client, string query = "") =>
        await (await client.GetAsync($"/api/v1/assignments{query}")).ReadAsync<ListPage>();

    /// <summary>Chapter A: mentor A ×2 (one pending), mentor A2 ×1; chapter B: mentor B ×1 and mentor A ×1 (by the admin).</summary>
    private async Task<(Org Org, AssignmentResponse[] All)> BoardAsync()
    {
        var org = await _world.StandardOrgAsync();
        var coordinator = server.As(org.CoordinatorA);
        var all = new[]
        {
            await coordinator.CreateAsync(org.MentorA, org.ContactA),
            await coordinator.CreateAsync(org.MentorA, org.ContactA, status: "pending"),
            await coordinator.CreateAsync(org.MentorA2, org.ContactA),
            await server.As(org.CoordinatorB).CreateAsync(org.MentorB, org.ContactB),
            await server.As(org.Admin).CreateAsync(org.MentorA, org.ContactB),
        };
        return (org, all);
    }

    private static Guid[] Ids(IEnumerable<AssignmentResponse> items) => items.Select(a => a.Id).ToArray();

    [Fact]
    public async Task List_EachRole_SeesItsScopeNewestFirst()
    {
        var (org, all) = await BoardAsync();
        var other = await _world.StandardOrgAsync();

        Assert.Equal(Ids(all.Reverse()), Ids((await ListAsync(server.As(org.Admin))).Items));
        Assert.Equal(Ids(all[..3].Reverse()), Ids((await ListAsync(server.As(org.CoordinatorA))).Items));
        Assert.Equal(Ids(all[3..].Reverse()), Ids((await ListAsync(server.As(org.CoordinatorB))).Items));
        Assert.Equal(Ids(new[] { all[4], all[1], all[0] }), Ids((await ListAsync(server.As(org.MentorA))).Items));
        Assert.Empty((await ListAsync(server.As(other.Admin))).Items);
    }

    [Fact]
    public async Task List_CoordinatorWhoIsAlsoAMentorElsewhere_SeesTheirChaptersAndTheirOwnAssignments()
    {
        var (org, all) = await BoardAsync();
        var both = await _world.PersonAsync(org.Id, "Coordinator A and mentor in B", mentorIn: [org.ChapterB], coordinatorOf: [org.ChapterA]);
        var own = await server.As(org.CoordinatorB).CreateAsync(both, org.ContactB);
        Assert.Equal(Ids(new[] { own, all[2], all[1], all[0] }), Ids((await ListAsync(server.As(both))).Items));
    }

    [Fact]
    public async Task List_Filters_CombineWithinTheCallersScope()
    {
        var (org, all) = await BoardAsync();
        var admin = server.As(org.Admin);
        Assert.Equal([all[1].Id], Ids((await ListAsync(admin, "?status=pending")).Items));
        Assert.Equal(Ids(new[] { all[4], all[1], all[0] }), Ids((await ListAsync(admin, $"?peer_mentor_id={org.MentorA}")).Items));
        Assert.Equal([all[4].Id], Ids((await ListAsync(admin, $"?peer_mentor_id={org.MentorA}&chapter_id={org.ChapterB}")).Items));
        Assert.Equal([all[0].Id], Ids((await ListAsync(admin, $"?peer_mentor_id={org.MentorA}&chapter_id={org.ChapterA}&status=open")).Items));
        Assert.Empty((await ListAsync(server.As(org.CoordinatorA), $"?chapter_id={org.ChapterB}")).Items); // not theirs
        Assert.Equal(all[2], (await ListAsync(admin, "?status=open&limit=1&chapter_id=" + org.ChapterA)).Items.Single()); // newest open in A
    }

    [Fact]
    public async Task List_Paging_WalksEveryAssignmentOnceEvenWhenCreatedAtTies()
    {
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, mentor_assignment_sequence, created_at)
                SELECT @MentorA, @ContactA, @Id, @ChapterA, n, timestamptz '2026-05-01 12:00Z' + (n / 5) * interval '1 minute'
                FROM generate_series(1, 23) n
                """, org);
        var seen = new List<AssignmentResponse>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ListAsync(server.As(org.CoordinatorA), "?limit=4" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.True(page.Items.Count is > 0 and <= 4);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null);

        Assert.Equal(6, pages);
        Assert.Equal(23, seen.Select(a => a.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id).Select(a => a.Id), seen.Select(a => a.Id));
    }

    [Fact]
    public async Task List_StreamPosition_IsTheOrganisationsLastPosition()
    {
        var org = await _world.StandardOrgAsync();
        Assert.Equal(0, (await ListAsync(server.As(org.Admin))).StreamPosition);
        var (board, all) = await BoardAsync();
        await server.As(board.CoordinatorA).PatchJsonAsync(all[0].Id, """{"status": "completed"}""");

        await using var conn = await server.Worker.OpenConnectionAsync();
        var last = await conn.ExecuteScalarAsync<long>("SELECT last_position FROM stream_positions WHERE organization_id = @Id", board);
        Assert.Equal(6, last);
        Assert.Equal(last, (await ListAsync(server.As(board.MentorA2), "?limit=1")).StreamPosition);
        Assert.Equal(last, (await ListAsync(server.As(board.CoordinatorB), "?status=completed")).StreamPosition);
    }

    [Theory]
    [InlineData("?status=closed", 400, "malformed_request")]
    [InlineData("?peer_mentor_id=nope", 400, "malformed_request")]
    [InlineData("?cursor=not-ours", 400, "malformed_request")]
    [InlineData("?limit=0", 422, "validation_failed")]
    [InlineData("?limit=201", 422, "validation_failed")]
    public async Task List_BadQuery_IsAClear4xx(string query, int status, string code)
    {
        var org = await _world.StandardOrgAsync();
        await (await server.As(org.Admin).GetAsync($"/api/v1/assignments{query}")).ProblemAsync(status, code);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheAssignmentRoutesAndShape()
    {
        var doc = await server.Anonymous().GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/assignments/{assignmentId}/activities", doc);
        Assert.Contains("mentor_assignment_sequence", doc);
        Assert.Contains("stream_position", doc);
    }

    [Fact]
    public async Task Get_OutsideScope_Is404()
    {
        var (org, all) = await BoardAsync();
        var other = await _world.StandardOrgAsync();
        await (await server.As(org.CoordinatorB).GetAsync($"/api/v1/assignments/{all[0].Id}")).ProblemAsync(404, "not_found");
        await (await server.As(org.MentorA2).GetAsync($"/api/v1/assignments/{all[0].Id}")).ProblemAsync(404, "not_found");
        await (await server.As(other.Admin).GetAsync($"/api/v1/assignments/{all[0].Id}")).ProblemAsync(404, "not_found");
        var response = await server.As(org.MentorA).GetAsync($"/api/v1/assignments/{all[0].Id}");
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(all[0], await response.ReadAsync<AssignmentResponse>());
    }
}
