using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Mentors;

/// <summary>
/// Reading pauses: one mentor's pause history (`GET /mentors/{id}/pauses`) and the paused roster
/// (`GET /roster/paused`). Row-level security decides what the caller may see; the roster also
/// spells the caller's scope out so the planner walks the live-pause index
/// (pause_records_live_roster: organisation, newest pause first) and stops at the page size.
/// </summary>
public static class PauseRoster
{
    /// <summary>All pause records of the mentor, oldest first (not paged: a handful per mentor). 404 outside the caller's scope.</summary>
    public static async Task<Ok<Page<PauseResponse>>> History(Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(new Page<PauseResponse>(await HistoryAsync(db, user.PersonId(), mentorId, clock.GetUtcNow(), ct), null));

    /// <summary>The mentor's pause records as <paramref name="personId"/> may see them, oldest first; 404 outside their scope.</summary>
    public static Task<List<PauseResponse>> HistoryAsync(Db db, Guid personId, Guid mentorId, DateTimeOffset now, CancellationToken ct) =>
        db.AsPersonAsync(personId, async s =>
        {
            return await BatchResults.QueryAsync(s.Connection, new CommandDefinition($"""
                SELECT EXISTS (SELECT 1 FROM peer_mentors WHERE id = @mentorId);
                SELECT {PauseRow.Columns} FROM pause_records WHERE mentor_id = @mentorId ORDER BY paused_at, created_at, id;
                """, new { mentorId }, cancellationToken: ct), async results =>
            {
                if (!await results.ReadSingleAsync<bool>()) throw ApiException.NotFound("Mentor");
                return (await results.ReadAsync<PauseRow>()).Select(p => p.ToResponse(now)).ToList();
            });
        }, ct);

    /// <summary>The sort key of the last row of a page: newest pause first, mentor id (ascending) breaks ties.</summary>
    private sealed record Cursor(DateTime P, Guid M);

    /// <summary>The sort key of the last row of a sorted page: overdue first (O), the sort's key as text (K), mentor id (M).</summary>
    private sealed record SortedCursor(string S, bool O, string K, Guid M);

    /// <summary>
    /// The roster's sorts besides the default (newest pause first): `paused_since` (newest pause first), `expected_return`
    /// (soonest first, none last) and `name`; each puts overdue mentors first. Key: its SQL expression and type.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Key, string Type)> Sorts = new Dictionary<string, (string, string)>
    {
        ["paused_since"] = ("-extract(epoch FROM r.paused_at)", "numeric"),
        ["expected_return"] = ("coalesce(r.expected_return_date, 'infinity'::date)", "date"),
        ["name"] = ("r.display_name", "text"),
    };

    public static async Task<Ok<Page<RosterItem>>> Roster(ClaimsPrincipal user, Db db, TimeProvider clock,
        [FromQuery(Name = "chapter_id")] Guid? chapterId, int? limit, string? cursor, string? sort, CancellationToken ct) =>
        TypedResults.Ok(await PageAsync(db, user.PersonId(), chapterId, limit, cursor, clock.GetUtcNow(), ct, sort));

    /// <summary>
    /// One page of the paused roster as <paramref name="personId"/> may see it (the endpoint and the roster page). Without
    /// <paramref name="sort"/>, newest pause first; with one of <see cref="Sorts"/>, overdue first and then that order
    /// (an unknown sort, or a cursor of another sort, is 400).
    /// </summary>
    public static async Task<Page<RosterItem>> PageAsync(Db db, Guid personId, Guid? chapterId, int? limit, string? cursor,
        DateTimeOffset now, CancellationToken ct, string? sort = null)
    {
        if (!string.IsNullOrEmpty(sort)) return await SortedPageAsync(db, personId, chapterId, limit, cursor, now, sort, ct);
        var take = Paging.Limit(limit);
        var after = Paging.Decode<Cursor>(cursor);
        var parameters = new DynamicParameters(new { chapterId, p = after?.P, m = after?.M, fetch = take + 1, now });
        var rows = await db.AsPersonAtOnceAsync(personId, PageBatch(after is not null),
            parameters, async results =>
            {
                if (!await results.ReadSingleAsync<bool>()) throw new ApiException(404, "not_found", "No such person in any organisation.");
                return (await results.ReadAsync<RosterRow>()).ToList();
            }, ct);
        var next = rows.Count > take ? Paging.Encode(new Cursor(rows[take - 1].PausedAt, rows[take - 1].MentorId)) : null;
        return new Page<RosterItem>(rows.Take(take).Select(r => r.ToItem()).ToList(), next);
    }

    /// <summary>The batch a page sends after the identity (the bench runs the same text through pgbench).</summary>
    internal static string PageBatch(bool hasCursor) =>
        $"SELECT EXISTS (SELECT 1 FROM people WHERE id = current_person_id());\n{PageSql(hasCursor)}";

    private static async Task<Page<RosterItem>> SortedPageAsync(Db db, Guid personId, Guid? chapterId, int? limit, string? cursor,
        DateTimeOffset now, string sort, CancellationToken ct)
    {
        if (!Sorts.TryGetValue(sort, out var by))
            throw new ApiException(400, "validation_failed", "sort must be paused_since, expected_return or name.",
                new Dictionary<string, string[]> { ["sort"] = ["sort must be paused_since, expected_return or name."] });
        var take = Paging.Limit(limit);
        var after = Paging.Decode<SortedCursor>(cursor);
        if (after is not null && after.S != sort) throw new ApiException(400, "malformed_request", "The cursor belongs to another sort.");
        var parameters = new DynamicParameters(new { chapterId, p = (DateTime?)null, m = (Guid?)null, fetch = take + 1, now, o = after?.O, k = after?.K, am = after?.M });
        var keyset = after is null ? "" : $"WHERE (NOT r.overdue, {by.Key}, r.mentor_id) > (NOT @o, @k::{by.Type}, @am)";
        var sql = $"""
            SELECT r.*, ({by.Key})::text AS sort_key FROM ({PageSql(false, limited: false)}) r
            {keyset}
            ORDER BY NOT r.overdue, {by.Key}, r.mentor_id
            LIMIT @fetch
            """;
        var rows = await db.AsPersonAtOnceAsync(personId, $"SELECT EXISTS (SELECT 1 FROM people WHERE id = current_person_id());\n{sql}",
            parameters, async results =>
            {
                if (!await results.ReadSingleAsync<bool>()) throw new ApiException(404, "not_found", "No such person in any organisation.");
                return (await results.ReadAsync<RosterRow>()).ToList();
            }, ct);
        var next = rows.Count > take ? Paging.Encode(new SortedCursor(sort, rows[take - 1].Overdue, rows[take - 1].SortKey!, rows[take - 1].MentorId)) : null;
        return new Page<RosterItem>(rows.Take(take).Select(r => r.ToItem()).ToList(), next);
    }

    /// <summary>
    /// One statement per page, sent with the caller's identity in one round trip: the mentors, their live pause, chapters,
    /// overdue and open assignments. Row-level security decides who is visible; the statement only chooses how to find
    /// the page's live pauses so that it stops early. An org admin's whole roster walks pause_records_live_roster
    /// (organisation, newest first) and stops at the page size. Any narrower scope (a chapter filter, a coordinator's
    /// chapters, a mentor themself) starts from its mentors (chapter_memberships by chapter) and looks up each one's live
    /// pause (pause_records_one_live_per_mentor), so its cost follows the chapters' size, not the organisation's. Both
    /// branches are in the statement; the one that does not apply is cut by a one-time filter before it reads anything.
    /// </summary>
    private static string PageSql(bool hasCursor, bool limited = true)
    {
        // Unlimited (a sorted roster orders the whole scope): every live pause in scope, ordered and cut by the caller.
        var limit = limited ? "LIMIT @fetch" : "";
        // The first bound is implied by the second; an index can start from it, so a later page begins at the cursor.
        var cursor = hasCursor ? " AND pr.paused_at <= @p AND (pr.paused_at < @p OR (pr.paused_at = @p AND pr.mentor_id > @m))" : "";
        const string wholeOrganisation = "@chapterId::uuid IS NULL AND (SELECT auth_is_org_admin())";
        return $"""
            SELECT pr.mentor_id, pe.display_name,
                   coalesce((SELECT array_agg(c.chapter_id ORDER BY c.chapter_id) FROM chapter_memberships c
                             WHERE c.person_id = pr.mentor_id AND c.role = 'peer_mentor'), '{"{}"}') AS chapter_ids,
                   pr.mentor_status AS status, pr.id AS pause_id, pr.kind, pr.pause_reason, pr.paused_at, pr.expected_return_date,
                   coalesce(pr.expected_return_date < today.d, false) AS overdue, pr.certification_expires_at,
                   (SELECT count(*) FROM assignments a WHERE a.peer_mentor_id = pr.mentor_id AND a.status IN ('open', 'pending'))::int
                     AS open_assignment_count
            FROM (SELECT o.id AS org, (@now AT TIME ZONE o.timezone)::date AS d FROM organizations o WHERE o.id = (SELECT auth_org_id())) today
            CROSS JOIN LATERAL (
              (SELECT pr.*, m.status AS mentor_status, m.certification_expires_at
               FROM pause_records pr JOIN peer_mentors m ON m.id = pr.mentor_id
               WHERE {wholeOrganisation} AND pr.organization_id = today.org AND pr.status IN ('paused', 'expired_cert')
                 AND m.status IN ('paused', 'pending_reactivation'){cursor}
               ORDER BY pr.paused_at DESC, pr.mentor_id
               {limit})
              UNION ALL
              (SELECT pr.*
               FROM (SELECT person_id FROM chapter_memberships
                     WHERE role = 'peer_mentor' AND chapter_id = ANY (CASE WHEN @chapterId::uuid IS NULL
                                                                           THEN (SELECT auth_coordinated_chapters())
                                                                           ELSE ARRAY[@chapterId::uuid] END)
                     UNION SELECT current_person_id() WHERE @chapterId::uuid IS NULL) scope
               -- LIMIT 1 (at most one live pause per mentor) keeps this a nested loop over the scope's mentors.
               CROSS JOIN LATERAL (SELECT l.*, m.status AS mentor_status, m.certification_expires_at
                                   FROM pause_records l JOIN peer_mentors m ON m.id = l.mentor_id
                                   WHERE l.mentor_id = scope.person_id AND l.status IN ('paused', 'expired_cert')
                                     AND m.status IN ('paused', 'pending_reactivation') LIMIT 1) pr
               WHERE NOT ({wholeOrganisation}) AND pr.organization_id = today.org{cursor}
               ORDER BY pr.paused_at DESC, pr.mentor_id
               {limit})) pr
            JOIN people pe ON pe.id = pr.mentor_id
            ORDER BY pr.paused_at DESC, pr.mentor_id
            {limit}
            """;
    }

    private sealed class RosterRow
    {
        public Guid MentorId { get; init; }
        public string DisplayName { get; init; } = "";
        public Guid[] ChapterIds { get; init; } = [];
        public string Status { get; init; } = "";
        public Guid PauseId { get; init; }
        public string Kind { get; init; } = "";
        public string? PauseReason { get; init; }
        public DateTime PausedAt { get; init; }
        public DateOnly? ExpectedReturnDate { get; init; }
        public bool Overdue { get; init; }
        public DateOnly? CertificationExpiresAt { get; init; }
        public int OpenAssignmentCount { get; init; }
        public string? SortKey { get; init; }

        public RosterItem ToItem() => new(MentorId, DisplayName, ChapterIds, SnakeCase.Parse<MentorStatus>(Status), PauseId,
            SnakeCase.Parse<PauseKind>(Kind), PauseReason, PausedAt, ExpectedReturnDate, Overdue, CertificationExpiresAt, OpenAssignmentCount);
    }
}
