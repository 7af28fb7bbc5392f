using System.Text.Json;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Assignments;

/// <summary>
/// One assignment as its page shows it: the assignment (as `GET /assignments/{id}` returns it), the names of its mentor,
/// contact, creator and closer (null when the caller may not see that person), whether its contact is overdue
/// (follow_up_overdue, the follow-up-reminders job's own rule, with the organisation's reminder threshold and time zone),
/// whether the caller manages it (coordinator of its chapter or org admin: the test assignment_update makes), the stream
/// position this snapshot is consistent with, its newest activities, and its mentor's status (null when the caller may not
/// see it), so the page offers recording only while activity_record would take it.
/// </summary>
public sealed record AssignmentDetail(AssignmentResponse Assignment, string? MentorName, string? ContactName, string? CreatedByName,
    string? ClosedByName, bool Overdue, int ReminderThresholdDays, bool Manages, long StreamPosition, Page<ActivityItem> Activities,
    string? MentorStatus)
{
    /// <summary>
    /// Two statements for one round trip: the assignment with its names, flag and stream position (one snapshot), then its
    /// activities. Null when the assignment does not exist or is outside the caller's scope (row-level security decides).
    /// </summary>
    public static Statement<AssignmentDetail?> Read(Guid assignmentId, DateTimeOffset now, int activities = Paging.MaxLimit)
    {
        var (activitySql, parameters, take) = AssignmentActivities.Build(assignmentId, activities, null);
        parameters.Add("now", now);
        return new Statement<AssignmentDetail?>($"""
            SELECT assignment_json(a)::text AS json, mp.display_name AS mentor_name, c.display_name AS contact_name,
                   cb.display_name AS created_by_name, xb.display_name AS closed_by_name,
                   follow_up_overdue(a.status, a.last_contact_date, a.created_at, o.reminder_threshold_days, o.timezone, @now::timestamptz) AS overdue,
                   o.reminder_threshold_days,
                   (SELECT auth_is_org_admin()) OR a.chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[]) AS manages,
                   coalesce((SELECT last_position FROM stream_positions WHERE organization_id = a.organization_id), 0) AS stream_position,
                   pm.status AS mentor_status
            FROM assignments a
            JOIN organizations o ON o.id = a.organization_id
            LEFT JOIN people mp ON mp.id = a.peer_mentor_id
            LEFT JOIN peer_mentors pm ON pm.id = a.peer_mentor_id
            LEFT JOIN contacts c ON c.id = a.contact_id
            LEFT JOIN people cb ON cb.id = a.created_by
            LEFT JOIN people xb ON xb.id = a.closed_by
            WHERE a.id = @assignmentId;
            {activitySql}
            """, parameters, async results =>
        {
            var row = await results.ReadSingleOrDefaultAsync<Row>();
            if (row is null) return null;
            return new AssignmentDetail(JsonSerializer.Deserialize<AssignmentResponse>(row.Json, SnakeCase.Json)!, row.MentorName, row.ContactName,
                row.CreatedByName, row.ClosedByName, row.Overdue, row.ReminderThresholdDays, row.Manages, row.StreamPosition,
                await AssignmentActivities.ReadAsync(results, take), row.MentorStatus);
        });
    }

    private sealed class Row
    {
        public string Json { get; init; } = "";
        public string? MentorName { get; init; }
        public string? ContactName { get; init; }
        public string? CreatedByName { get; init; }
        public string? ClosedByName { get; init; }
        public bool Overdue { get; init; }
        public int ReminderThresholdDays { get; init; }
        public bool Manages { get; init; }
        public long StreamPosition { get; init; }
        public string? MentorStatus { get; init; }
    }
}
