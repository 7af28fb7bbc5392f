using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;

namespace Likeperson.Assignments;

/// <summary>A recorded activity as `GET /assignments/{id}/activities` lists it: with the name of who recorded it, when the caller may see that person.</summary>
public sealed class ActivityItem
{
    public Guid Id { get; init; }
    public Guid AssignmentId { get; init; }
    public DateTime OccurredAt { get; init; }
    /// <summary>What kind of activity: `contact` unless the recorder named another (1 to 50 characters).</summary>
    public string Kind { get; init; } = "";
    public string? Note { get; init; }
    public Guid? RecordedBy { get; init; }
    /// <summary>The recorder's name; null when the caller may not see that person.</summary>
    public string? RecordedByDisplayName { get; init; }
    public DateTime CreatedAt { get; init; }
    /// <summary>How long it took, 1 to 1440 minutes; null when not recorded.</summary>
    public int? DurationMinutes { get; init; }
    /// <summary>How many took part (at least 1).</summary>
    public int Participants { get; init; } = 1;
    /// <summary>`in_person`, `phone`, `video` or `written`; null when not recorded.</summary>
    public string? Mode { get; init; }
}

/// <summary>
/// The activities of one assignment, newest first (occurred_at, then id), keyset-paged. Row-level security decides who
/// sees them: the policy on assignment_activities shows exactly the activities of the assignments the caller may read
/// (its mentor, the chapter's coordinators, the organisation's admins). The API and the assignment page read the same
/// statement; the page sends it in the same round trip as the assignment (<see cref="AssignmentDetail"/>).
/// </summary>
public static class AssignmentActivities
{
    private sealed record Cursor(DateTime O, Guid I);

    public static async Task<Page<ActivityItem>> Get(Guid assignmentId, ClaimsPrincipal user, Db db, int? limit, string? cursor, CancellationToken ct) =>
        await db.AsPersonAtOnceAsync(user.PersonId(), Page(assignmentId, limit, cursor), ct) ?? throw ApiException.NotFound("Assignment");

    /// <summary>The page; null when the assignment does not exist or is outside the caller's scope (404).</summary>
    public static Statement<Page<ActivityItem>?> Page(Guid assignmentId, int? limit, string? cursor)
    {
        var (sql, parameters, take) = Build(assignmentId, limit, cursor);
        return new Statement<Page<ActivityItem>?>($"SELECT EXISTS (SELECT 1 FROM assignments WHERE id = @assignmentId);\n{sql}", parameters,
            async results => await results.ReadSingleAsync<bool>() ? await ReadAsync(results, take) : null);
    }

    /// <summary>The newest activities only (no existence check): the assignment page's second statement.</summary>
    internal static (string Sql, DynamicParameters Parameters, int Take) Build(Guid assignmentId, int? limit, string? cursor)
    {
        var take = Paging.Limit(limit);
        var after = Paging.Decode<Cursor>(cursor);
        var sql = $"""
            SELECT x.id, x.assignment_id, x.occurred_at, x.kind, x.note, x.recorded_by, p.display_name AS recorded_by_display_name, x.created_at,
                   x.duration_minutes, x.participants, x.mode
            FROM assignment_activities x LEFT JOIN people p ON p.id = x.recorded_by
            WHERE x.assignment_id = @assignmentId{(after is null ? "" : " AND x.occurred_at <= @o AND (x.occurred_at < @o OR x.id > @i)")}
            ORDER BY x.occurred_at DESC, x.id LIMIT @fetch
            """;
        return (sql, new DynamicParameters(new { assignmentId, o = after?.O, i = after?.I, fetch = take + 1 }), take);
    }

    internal static async Task<Page<ActivityItem>> ReadAsync(BatchResults results, int take)
    {
        var rows = await results.ReadAsync<ActivityItem>();
        var next = rows.Count > take ? Paging.Encode(new Cursor(rows[take - 1].OccurredAt, rows[take - 1].Id)) : null;
        return new Page<ActivityItem>(rows.Take(take).ToList(), next);
    }
}
