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
        return TypedResults.Ok(await db.AsPersonAsync(user.PersonId(), s => PageAsync(s, status, peerMentorId, chapterId, take, after), ct));
    }

    private static async Task<AssignmentPage> PageAsync(Session s, string? status, Guid? peerMentorId, Guid? chapterId, int take, Cursor? after)
    {
        var caller = s.Person;
        var filters = new StringBuilder();
        if (status is not null) filters.Append(" AND a.status = @status");
        if (peerMentorId is not null) filters.Append(" AND a.peer_mentor_id = @peerMentorId");
        if (chapterId is not null) filters.Append(" AND a.chapter_id = @chapterId");
        if (after is not null) filters.Append(" AND (a.created_at < @c OR (a.created_at = @c AND a.id > @i))");
        const string order = " ORDER BY a.created_at DESC, a.id LIMIT @fetch";
        const string columns = "SELECT a.created_at, a.id, assignment_json(a)::text AS json FROM assignments a WHERE a.organization_id = @org";
        // The caller's scope spelled out (RLS enforces the same) so the planner can use the mentor and chapter indexes.
        string sql;
        if (caller.OrgAdmin || (chapterId is null && peerMentorId is null && !caller.IsCoordinator))
            sql = columns + (caller.OrgAdmin ? "" : " AND a.peer_mentor_id = @me") + filters + order;
        else if (chapterId is not null || peerMentorId is not null)
            sql = columns + " AND (a.chapter_id = ANY(@coordinated) OR a.peer_mentor_id = @me)" + filters + order;
        else
            // A coordinator's board: each coordinated chapter newest first (assignments_chapter_newest or _board with a
            // status), at most a page from each, merged with their own assignments as a mentor; never the organisation's index.
            sql = $"""
                {columns} AND a.id IN (
                  SELECT u.id FROM (
                    SELECT x.created_at, x.id FROM unnest(@coordinated::uuid[]) AS ch(id)
                    CROSS JOIN LATERAL (SELECT a.created_at, a.id FROM assignments a
                                        WHERE a.organization_id = @org AND a.chapter_id = ch.id{filters}{order}) x
                    UNION
                    (SELECT a.created_at, a.id FROM assignments a WHERE a.organization_id = @org AND a.peer_mentor_id = @me{filters}{order})
                  ) u ORDER BY u.created_at DESC, u.id LIMIT @fetch){order}
                """;

        var rows = (await s.Connection.QueryAsync<Row>($"""
            SELECT sp.stream_position, p.created_at, p.id, p.json
            FROM (SELECT coalesce((SELECT last_position FROM stream_positions WHERE organization_id = @org), 0) AS stream_position) sp
            LEFT JOIN LATERAL ({sql}) p ON true
            ORDER BY p.created_at DESC, p.id
            """, new
        {
            org = caller.OrganizationId, me = caller.PersonId, coordinated = caller.CoordinatedChapters, status, peerMentorId, chapterId,
            c = after?.C, i = after?.I, fetch = take + 1,
        })).ToList();
        var items = rows.Where(r => r.Json is not null).ToList();
        var next = items.Count > take ? Paging.Encode(new Cursor(items[take - 1].CreatedAt!.Value, items[take - 1].Id!.Value)) : null;
        var json = items.Take(take).Select(r => JsonDocument.Parse(r.Json!).RootElement.Clone()).ToList();
        return new AssignmentPage(json, next, rows[0].StreamPosition);
    }

    private sealed class Row
    {
        public long StreamPosition { get; init; }
        public DateTime? CreatedAt { get; init; }
        public Guid? Id { get; init; }
        public string? Json { get; init; }
    }
}
