using System.Text;
using System.Text.Json;

namespace Likeperson.Assignments;

/// <summary>Lifecycle of an assignment; it only ever moves forward (open → pending → completed, or open → completed).</summary>
public enum AssignmentStatus
{
    /// <summary>Active and ongoing.</summary>
    Open,
    /// <summary>Awaiting first contact or a coordinator's follow-up.</summary>
    Pending,
    /// <summary>Formally concluded; closed_at and closed_by are set and nothing changes any more.</summary>
    Completed,
}

public sealed record CreateAssignmentRequest(Guid? PeerMentorId, Guid? ContactId, AssignmentStatus? Status, string? Notes);

/// <summary>PATCH body (documentation shape; the endpoint reads the raw JSON to tell absent from null and to spot immutable members).</summary>
public sealed record UpdateAssignmentRequest(AssignmentStatus? Status, string? Notes);

/// <param name="DurationMinutes">How long it took: 1 to 1440 minutes; optional.</param>
/// <param name="Participants">How many took part: at least 1; default 1.</param>
/// <param name="Mode">How it happened: `in_person`, `phone`, `video` or `written`; optional.</param>
public sealed record RecordActivityRequest(DateTimeOffset? OccurredAt, string? Kind, string? Note, int? DurationMinutes = null,
    int? Participants = null, string? Mode = null);

/// <summary>
/// An assignment as the API returns it. The server writes it straight from the SQL function
/// assignment_json (the same function produces the assignment.* event payloads), so this record
/// documents the shape for the OpenAPI document and typed clients.
/// </summary>
public sealed record AssignmentResponse(
    Guid Id, Guid PeerMentorId, Guid ContactId, Guid OrganizationId, AssignmentStatus Status, DateTime? LastContactDate,
    int MentorAssignmentSequence, DateTime CreatedAt, DateTime? ClosedAt, Guid? CreatedBy, Guid? ClosedBy, string? Notes,
    Dictionary<string, DateTime?>? HonorariumThresholdTriggered, int Version);

/// <summary>A page of assignments and the event-stream position that snapshot is consistent with.</summary>
public sealed record AssignmentPage(IReadOnlyList<SqlJson> Items, string? NextCursor, long StreamPosition);

/// <summary>Documentation shape of <see cref="AssignmentPage"/>.</summary>
public sealed record AssignmentPageDoc(IReadOnlyList<AssignmentResponse> Items, string? NextCursor, long StreamPosition);

public sealed record ActivityResponse(Guid Id, Guid AssignmentId, DateTime OccurredAt, string Kind, string? Note, Guid? RecordedBy,
    DateTime CreatedAt, int? DurationMinutes, int Participants, string? Mode);

/// <summary>An assignment as assignment_json rendered it, with its version for the ETag.</summary>
public sealed class AssignmentJsonRow
{
    public string Json { get; init; } = "";
    public int Version { get; init; }

    /// <summary>Writes the JSON as the database rendered it (so responses and events cannot differ), with ETag.</summary>
    public IResult ToResult(HttpContext http, int status = 200, string? location = null)
    {
        http.Response.Headers.ETag = $"\"{Version}\"";
        if (location is not null) http.Response.Headers.Location = location;
        return Results.Text(Json, "application/json", Encoding.UTF8, status);
    }
}
