using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Mentors;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Assignments;

/// <summary>Which assignments: filters of `GET /assignments` (all optional) and the page.</summary>
public sealed record AssignmentQuery(string? Status = null, Guid? PeerMentorId = null, Guid? ChapterId = null, int? Limit = null,
    string? Cursor = null, Guid? AssignmentId = null);

/// <summary>
/// An assignment as the board shows it: with its mentor (name, status, version), its contact's name, and whether its
/// contact is overdue (follow_up_overdue: the follow-up-reminders job's rule, the organisation's reminder threshold).
/// </summary>
public sealed record BoardRow(AssignmentResponse Assignment, string? MentorName, MentorStatus MentorStatus, int MentorVersion, string? ContactName,
    bool Overdue = false);

public sealed record BoardPage(IReadOnlyList<BoardRow> Rows, string? NextCursor, long StreamPosition);

/// <summary>
/// The coordinator's board: assignments in the caller's scope (row-level security decides it),
/// newest first, keyset-paged. The page and the stream position come from ONE statement, hence one
/// snapshot: every change committed up to that position is in the page, none after it, so a client
/// that resumes the event stream from it neither misses nor doubles a change. The web board reads the
/// same statement with the mentor's and the contact's names joined in (<see cref="Board"/>).
/// </summary>
public static class AssignmentList
{
    /// <summary>The sort key of the last row of a page (newest first, id breaks ties).</summary>
    private sealed record Cursor(DateTime C, Guid I);

    public static async Task<IResult> Get(ClaimsPrincipal user, Db db, string? status,
        [FromQuery(Name = "peer_mentor_id")] Guid? peerMentorId, [FromQuery(Name = "chapter_id")] Guid? chapterId,
        int? limit, string? cursor, CancellationToken ct)
    {
        var statement = Page(new AssignmentQuery(status, peerMentorId, chapterId, limit, cursor));
        return TypedResults.Ok(await db.AsPersonAtOnceAsync(user.PersonId(), statement, ct));
    }

    /// <summary>`GET /assignments`: the assignments as the API's JSON (built by assignment_json in SQL).</summary>
    public static Statement<AssignmentPage> Page(AssignmentQuery query)
    {
        var (sql, parameters, take) = Build(query, withNames: false);
        return new Statement<AssignmentPage>(sql, parameters, async results =>
        {
            var (rows, next, position) = await ReadAsync(results, take);
            return new AssignmentPage(rows.Select(r => new SqlJson(r.Json!)).ToList(), next, position);
        });
    }

    /// <summary>
    /// The board: the same page and position, each row with its mentor and contact and its overdue-contact flag as of
    /// <paramref name="now"/>, in the same one statement.
    /// </summary>
    public static Statement<BoardPage> Board(AssignmentQuery query, DateTimeOffset now)
    {
        var (sql, parameters, take) = Build(query, withNames: true);
        parameters.Add("now", now);
        return new Statement<BoardPage>(sql, parameters, async results =>
        {
            var (rows, next, position) = await ReadAsync(results, take);
            return new BoardPage(rows.Select(r => new BoardRow(JsonSerializer.Deserialize<AssignmentResponse>(r.Json!, SnakeCase.Json)!,
                r.MentorName, r.MentorStatus is null ? MentorStatus.Active : SnakeCase.Parse<MentorStatus>(r.MentorStatus), r.MentorVersion,
                r.ContactName, r.Overdue)).ToList(), next, position);
        });
    }

    /// <summary>The batch a page sends after the identity, and its parameters (the bench runs the same text through pgbench).</summary>
    internal static (string Sql, DynamicParameters Parameters, int Take) Build(AssignmentQuery q, bool withNames)
    {
        if (q.Status is not (null or "open" or "pending" or "completed"))
            throw new ApiException(400, "malformed_request", "status must be one of open, pending, completed.");
        var take = Paging.Limit(q.Limit);
        var after = Paging.Decode<Cursor>(q.Cursor);
        var filters = new StringBuilder();
        if (q.Status is not null) filters.Append(" AND a.status = @status");
        if (q.PeerMentorId is not null) filters.Append(" AND a.peer_mentor_id = @peerMentorId");
        if (q.ChapterId is not null) filters.Append(" AND a.chapter_id = @chapterId");
        if (q.AssignmentId is not null) filters.Append(" AND a.id = @assignmentId");
        // The first bound is implied by the second; it is there because an index can start from it (created_at DESC, id),
        // so a later page begins at the cursor instead of skipping the earlier pages' rows.
        if (after is not null) filters.Append(" AND a.created_at <= @c AND (a.created_at < @c OR (a.created_at = @c AND a.id > @i))");
        var parameters = new DynamicParameters(new
        {
            status = q.Status, peerMentorId = q.PeerMentorId, chapterId = q.ChapterId, assignmentId = q.AssignmentId,
            c = after?.C, i = after?.I,
        });
        var narrowed = q.ChapterId is not null || q.PeerMentorId is not null || q.AssignmentId is not null;
        var sql = $"SELECT EXISTS (SELECT 1 FROM people WHERE id = current_person_id());\n{PageSql(filters.ToString(), take + 1, narrowed, withNames)}";
        return (sql, parameters, take);
    }

    private static async Task<(List<Row> Rows, string? Next, long Position)> ReadAsync(BatchResults results, int take)
    {
        if (!await results.ReadSingleAsync<bool>()) throw new ApiException(404, "not_found", "No such person in any organisation.");
        var rows = await results.ReadAsync<Row>();
        var items = rows.Where(r => r.Json is not null).ToList();
        var next = items.Count > take ? Paging.Encode(new Cursor(items[take - 1].CreatedAt!.Value, items[take - 1].Id!.Value)) : null;
        return (items.Take(take).ToList(), next, rows[0].StreamPosition);
    }

    /// <summary>
    /// The page and the stream position in one statement (one snapshot), sent with the caller's identity in one round
    /// trip. Row-level security decides the scope; the statement only picks indexes that stop at the page size. A
    /// chapter or mentor filter, or an org admin's board, reads the organisation (or that chapter / mentor) newest first.
    /// Anyone else's board (a coordinator's, a mentor's) is each coordinated chapter newest first (assignments_chapter_newest,
    /// or assignments_chapter_board with a status), at most a page from each, merged with their own assignments as a
    /// mentor: never a walk of the organisation's index discarding other chapters' rows. Both branches are in the
    /// statement; the one that does not apply is cut by a one-time filter before it reads anything. The board's names
    /// are joined to the page's rows only (at most a page of primary-key lookups).
    /// </summary>
    private static string PageSql(string filters, int fetch, bool narrowed, bool withNames)
    {
        const string columns = "SELECT a.created_at, a.id, a.peer_mentor_id, a.contact_id, a.status, a.last_contact_date, assignment_json(a)::text AS json FROM assignments a";
        // The page size is written into the text (a validated int, 2 to 201), not sent as a parameter: with LIMIT $1 the
        // planner cannot know a generic plan stops early, so it planned every call afresh (1.6 ms a read on the bench's data,
        // more than the read itself); with the number in the text the prepared statement keeps its plan.
        var order = $" ORDER BY a.created_at DESC, a.id LIMIT {fetch}";
        var page = narrowed
            ? $"{columns} WHERE a.organization_id = me.org{filters}{order}"
            : $"""
              ({columns} WHERE (SELECT auth_is_org_admin()) AND a.organization_id = me.org{filters}{order})
              UNION ALL
              ({columns} WHERE NOT (SELECT auth_is_org_admin()) AND a.organization_id = me.org AND a.id IN (
                 SELECT u.id FROM (
                   SELECT x.created_at, x.id FROM unnest((SELECT auth_coordinated_chapters())) AS ch(id)
                   CROSS JOIN LATERAL (SELECT a.created_at, a.id FROM assignments a
                                       WHERE a.organization_id = me.org AND a.chapter_id = ch.id{filters}{order}) x
                   UNION
                   (SELECT a.created_at, a.id FROM assignments a
                    WHERE a.organization_id = me.org AND a.peer_mentor_id = current_person_id(){filters}{order})
                 ) u ORDER BY u.created_at DESC, u.id LIMIT {fetch}){order})
              """;
        var names = withNames
            ? """
              , mp.display_name AS mentor_name, m.status AS mentor_status, coalesce(m.version, 0) AS mentor_version, c.display_name AS contact_name,
                coalesce(follow_up_overdue(p.status, p.last_contact_date, p.created_at, o.reminder_threshold_days, o.timezone, @now::timestamptz), false) AS overdue
              FROM (SELECT (SELECT auth_org_id()) AS org) me
              LEFT JOIN organizations o ON o.id = me.org
              CROSS JOIN LATERAL (SELECT coalesce((SELECT last_position FROM stream_positions WHERE organization_id = me.org), 0)
                                  AS stream_position) sp
              LEFT JOIN LATERAL (PAGE) p ON true
              LEFT JOIN peer_mentors m ON m.id = p.peer_mentor_id
              LEFT JOIN people mp ON mp.id = p.peer_mentor_id
              LEFT JOIN contacts c ON c.id = p.contact_id
              """
            : """

              FROM (SELECT (SELECT auth_org_id()) AS org) me
              CROSS JOIN LATERAL (SELECT coalesce((SELECT last_position FROM stream_positions WHERE organization_id = me.org), 0)
                                  AS stream_position) sp
              LEFT JOIN LATERAL (PAGE) p ON true
              """;
        return $"""
            SELECT sp.stream_position, p.created_at, p.id, p.json{names.Replace("PAGE", page)}
            ORDER BY p.created_at DESC, p.id
            """;
    }

    private sealed class Row
    {
        public long StreamPosition { get; init; }
        public DateTime? CreatedAt { get; init; }
        public Guid? Id { get; init; }
        public string? Json { get; init; }
        public string? MentorName { get; init; }
        public string? MentorStatus { get; init; }
        public int MentorVersion { get; init; }
        public string? ContactName { get; init; }
        public bool Overdue { get; init; }
    }
}
