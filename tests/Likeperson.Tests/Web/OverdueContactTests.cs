using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>
/// The overdue-contact flag on the board and on the mentor's own page is the follow-up-reminders job's rule, not a copy:
/// of assignments on either side of the organisation's reminder threshold, the pages flag exactly those the job reminds
/// the mentor about.
/// </summary>
public sealed partial class OverdueContactTests(TestServer server) : IClassFixture<TestServer>
{
    /// <summary>An assignment created <paramref name="createdDaysAgo"/> days ago, with a contact recorded <paramref name="contactDaysAgo"/> days ago if given.</summary>
    private async Task<Guid> AssignmentAsync(Org org, Guid mentor, Guid contact, double createdDaysAgo, double? contactDaysAgo = null, string status = "open")
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        var id = await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence, created_at, closed_at)
            SELECT @mentor, c.id, c.organization_id, c.chapter_id, @status,
                   (SELECT count(*) + 1 FROM assignments WHERE peer_mentor_id = @mentor), now() - make_interval(secs => @createdDaysAgo * 86400),
                   CASE WHEN @status = 'completed' THEN now() END
            FROM contacts c WHERE c.id = @contact RETURNING id
            """, new { mentor, contact, createdDaysAgo, status });
        if (contactDaysAgo is { } days)
            await conn.ExecuteAsync("SELECT activity_record(@id, now() - make_interval(secs => @days * 86400), 'contact', NULL, now())", new { id, days });
        return id;
    }

    [Fact]
    public async Task BoardAndMyPage_FlagExactlyTheAssignmentsTheFollowUpJobRemindsAbout()
    {
        var world = new World(server.Worker);
        var org = await world.StandardOrgAsync(); // reminder threshold: 10 days
        var contact2 = await world.ContactAsync(org.Id, org.ChapterA, "Contact A-2");
        var overdue = await AssignmentAsync(org, org.MentorA, org.ContactA, createdDaysAgo: 11);
        var young = await AssignmentAsync(org, org.MentorA, contact2, createdDaysAgo: 9);
        var contacted = await AssignmentAsync(org, org.MentorA2, org.ContactA, createdDaysAgo: 30, contactDaysAgo: 2);
        var staleContact = await AssignmentAsync(org, org.MentorA2, contact2, createdDaysAgo: 40, contactDaysAgo: 12);
        var closed = await AssignmentAsync(org, org.MentorB, org.ContactB, createdDaysAgo: 40, status: "completed");

        var board = await FlagsAsync(await WebSignIn.AsAsync(server, org.Admin), "/board");
        var mine = await FlagsAsync(await WebSignIn.AsAsync(server, org.MentorA), "/my");

        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("SELECT * FROM jobs_follow_up_reminders(@Id, now())", org);
        var reminded = (await conn.QueryAsync<Guid>(
            "SELECT assignment_id FROM follow_up_notices WHERE organization_id = @Id AND level = 'reminder'", org)).ToHashSet();
        Assert.Equal(new[] { overdue, staleContact }.Order(), reminded.Order());
        Assert.Equal(reminded.Order(), board.Where(kv => kv.Value).Select(kv => kv.Key).Order());
        Assert.Equal(new[] { overdue, young, contacted, staleContact, closed }.Order(), board.Keys.Order());
        Assert.Equal(new Dictionary<Guid, bool> { [overdue] = true, [young] = false }, mine);
    }

    /// <summary>Each assignment card of the page and whether it carries the overdue-contact flag (as text).</summary>
    private static async Task<Dictionary<Guid, bool>> FlagsAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        return Card().Matches(html).ToDictionary(m => Guid.Parse(m.Groups[1].Value), m => m.Groups[2].Value.Contains(">Contact overdue</span>"));
    }

    [GeneratedRegex("<li [^>]*id=\"a-([0-9a-f-]{36})\"(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex Card();
}
