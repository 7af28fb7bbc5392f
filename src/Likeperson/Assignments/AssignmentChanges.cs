using Dapper;
using Likeperson.Database;

namespace Likeperson.Assignments;

/// <summary>
/// The two changes of an existing assignment, as the endpoints and the web pages make them alike: a status move and/or
/// new notes (assignment_update) and a recorded activity (activity_record). Every rule (who may, forward only, closed,
/// lengths, occurred_at not in the future, the expected version) is the SQL function's; its refusals reach the caller as
/// <see cref="Npgsql.PostgresException"/> and are mapped by <see cref="ProblemMapping"/>. Each is one round trip: the
/// caller's identity and the function in one batch (<see cref="Db.AsPersonAtOnceAsync{T}(Guid, string, DynamicParameters, Func{BatchResults, Task{T}}, CancellationToken)"/>).
/// </summary>
public static class AssignmentChanges
{
    /// <summary>Applies <paramref name="patch"/> as <paramref name="personId"/>; the assignment as assignment_json renders it after.</summary>
    public static Task<AssignmentJsonRow> UpdateAsync(Db db, Guid personId, Guid assignmentId, AssignmentPatch patch, int? expectedVersion,
        DateTimeOffset now, CancellationToken ct) =>
        db.AsPersonAtOnceAsync(personId, """
            SELECT assignment_json(a)::text AS json, a.version
            FROM assignment_update(@assignmentId, @Status::text, @SetNotes, @Notes::text, @expected::int, @now::timestamptz) a
            """,
            new DynamicParameters(new { assignmentId, patch.Status, patch.SetNotes, patch.Notes, expected = expectedVersion, now }),
            results => results.ReadSingleAsync<AssignmentJsonRow>(), ct);

    /// <summary>
    /// Records an activity as <paramref name="personId"/> (the assignment's mentor, its coordinators, an org admin). The
    /// measures (duration 1 to 1440 minutes, participants at least 1, mode) are judged by activity_record, as is the rule
    /// that only an active mentor's activities are recorded.
    /// </summary>
    public static async Task<ActivityResponse> RecordActivityAsync(Db db, Guid personId, Guid assignmentId, DateTimeOffset? occurredAt,
        string? kind, string? note, ActivityMeasures measures, DateTimeOffset now, CancellationToken ct)
    {
        var row = await db.AsPersonAtOnceAsync(personId, """
            SELECT id, assignment_id, occurred_at, kind, note, recorded_by, created_at, duration_minutes, participants, mode
            FROM activity_record(@assignmentId, @occurredAt::timestamptz, @kind::text, @note::text, @now::timestamptz,
                                 @duration::int, @participants::int, @mode::text)
            """,
            new DynamicParameters(new
            {
                assignmentId, occurredAt = occurredAt?.ToUniversalTime(), kind = Validation.Clean(kind), note = Validation.Clean(note), now,
                duration = measures.DurationMinutes, participants = measures.Participants, mode = Validation.Clean(measures.Mode),
            }),
            results => results.ReadSingleAsync<ActivityRow>(), ct);
        return new ActivityResponse(row.Id, row.AssignmentId, row.OccurredAt, row.Kind, row.Note, row.RecordedBy, row.CreatedAt,
            row.DurationMinutes, row.Participants, row.Mode);
    }

    private sealed class ActivityRow
    {
        public Guid Id { get; init; }
        public Guid AssignmentId { get; init; }
        public DateTime OccurredAt { get; init; }
        public string Kind { get; init; } = "";
        public string? Note { get; init; }
        public Guid? RecordedBy { get; init; }
        public DateTime CreatedAt { get; init; }
        public int? DurationMinutes { get; init; }
        public int Participants { get; init; }
        public string? Mode { get; init; }
    }
}

/// <summary>How long an activity took, how many took part and how it happened; each optional (participants defaults to 1).</summary>
public sealed record ActivityMeasures(int? DurationMinutes, int? Participants, string? Mode);
