using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Assignments;

/// <summary>
/// The coordinator's board: assignments in the caller's scope (row-level security decides it),
/// newest first, keyset-paged. The page and the stream position come from ONE statement, hence one
/// snapshot: every change committed up to that position is in the page, none after it, so a client
/// that resumes the event stream from it neither misses nor doubles a change.
/// </summary>
public static class AssignmentList
{
    /// <summary>The sort key of the last row of a page (newest first, id breaks ties).</summary>
    private sealed record Cursor(DateTime C, Guid I);

    public static async Task<IResult> Get(ClaimsPrincipal user, Db db, string? status,
        [FromQuery(Name = "peer_mentor_id")] Guid? peerMentorId, [FromQuery(Name = "chapter_id")] Guid? chapterId,
        int? limit, string? cursor, CancellationToken ct)
    {
        if (status is not (null or "open" or "pending" or "completed"))
            throw new ApiException(400, "malformed_request", "status must be one of open, pending, completed.");
        var take = Paging.Limit(limit);
        var after = Paging.Decode<Cursor>(cursor);
        var filters = new StringBuilder();
        if (status is not null) filters.Append(" AND a.status = @status");
        if (peerMentorId is not null) filters.Append(" AND a.peer_mentor_id = @peerMentorId");
        if (chapterId is not null) filters.Append(" AND a.chapter_id = @chapterId");
        if (after is not null) filters.Append(" AND (a.created_at < @c OR (a.created_at = @c AND a.id > @i))");
        var parameters = new DynamicParameters(new { status, peerMentorId, chapterId, c = after?.C, i = after?.I, fetch = take + 1 });
        var sql = $"SELECT EXISTS (SELECT 1 FROM people WHERE id = current_person_id());\n{PageSql(filters.ToString(), narrowed: chapterId is not null || peerMentorId is not null)}";
        var page = await db.AsPersonAtOnceAsync(user.PersonId(), sql, parameters, async results =>
        {
            if (!await results.ReadSingleAsync<bool>()) throw new ApiException(404, "not_found", "No such person in any organisation.");
            var rows = (await results.ReadAsync<Row>()).ToList();
            var items = rows.Where(r => r.Json is not null).ToList();
            var next = items.Count > take ? Paging.Encode(new Cursor(items[take - 1].CreatedAt!.Value, items[take - 1].Id!.Value)) : null;
            var json = items.Take(take).Select(r => JsonDocument.Parse(r.Json!).RootElement.Clone()).ToList();
            return new AssignmentPage(json, next, rows[0].StreamPosition);
        }, ct);
        return TypedResults.Ok(page);
    }

    /// <summary>
    /// The page and the stream position in one statement (one snapshot), sent with the caller's identity in one round
    /// trip. Row-level security decides the scope; the statement only picks indexes that stop at the page size. A
    /// chapter or mentor filter, or an org admin's board, reads the organisation (or that chapter / mentor) newest first.
    /// Anyone else's board (a coordinator's, a mentor's) is each coordinated chapter newest first (assignments_chapter_newest,
    /// or assignments_chapter_board with a status), at most a page from each, merged with their own assignments as a
    /// mentor: never a walk of the organisation's index discarding other chapters' rows. Both branches are in the
    /// statement; the one that does not apply is cut by a one-time filter before it reads anything.
    /// </summary>
    private static string PageSql(string filters, bool narrowed)
    {
        const string columns = "SELECT a.created_at, a.id, assignment_json(a)::text AS json FROM assignments a";
        const string order = " ORDER BY a.created_at DESC, a.id LIMIT @fetch";
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
                 ) u ORDER BY u.created_at DESC, u.id LIMIT @fetch){order})
              """;
        return $"""
            SELECT sp.stream_position, p.created_at, p.id, p.json
            FROM (SELECT (SELECT auth_org_id()) AS org) me
            CROSS JOIN LATERAL (SELECT coalesce((SELECT last_position FROM stream_positions WHERE organization_id = me.org), 0)
                                AS stream_position) sp
            LEFT JOIN LATERAL ({page}) p ON true
            ORDER BY p.created_at DESC, p.id
            """;
    }

    private sealed class Row
    {
        public long StreamPosition { get; init; }
        public DateTime? CreatedAt { get; init; }
        public Guid? Id { get; init; }
        public string? Json { get; init; }
    }
}
