namespace Likeperson.Mentors;

/// <summary>Peer-mentor status. Only an active mentor takes new assignments.</summary>
public enum MentorStatus
{
    /// <summary>Available for assignments.</summary>
    Active,
    /// <summary>On pause (voluntary, set by a coordinator, or because the certification expired).</summary>
    Paused,
    /// <summary>Reactivated by the mentor; waits for a coordinator's acknowledgement (when the organisation requires it).</summary>
    PendingReactivation,
    /// <summary>Left the programme.</summary>
    Inactive,
}

/// <summary>Who or what started a pause.</summary>
public enum PauseKind
{
    /// <summary>The mentor paused themself.</summary>
    Voluntary,
    /// <summary>A coordinator or org admin paused the mentor.</summary>
    Coordinator,
    /// <summary>The nightly certification check paused the mentor automatically.</summary>
    CertificationExpired,
}

/// <summary>State of one pause period: live (paused / expired_cert) or over (active).</summary>
public enum PauseRecordStatus { Active, Paused, ExpiredCert }

public sealed record PauseResponse(
    Guid Id, Guid MentorId, PauseRecordStatus Status, PauseKind Kind, string? PauseReason, DateOnly? ExpectedReturnDate,
    DateTime PausedAt, DateTime? ReactivatedAt, DateTime? EndedAt, int DurationDays, Guid? CoordinatorId);

public sealed record MentorResponse(
    Guid Id, string DisplayName, Guid OrganizationId, Guid[] ChapterIds, MentorStatus Status, int Version,
    DateOnly? CertificationExpiresAt, PauseResponse? CurrentPause, bool ListedPublicly = false);

/// <summary>A pause_records row as SQL returns it.</summary>
public sealed class PauseRow
{
    public Guid Id { get; init; }
    public Guid MentorId { get; init; }
    public string Status { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? PauseReason { get; init; }
    public DateOnly? ExpectedReturnDate { get; init; }
    public DateTime PausedAt { get; init; }
    public DateTime? ReactivatedAt { get; init; }
    public DateTime? EndedAt { get; init; }
    public Guid? CoordinatorId { get; init; }

    public const string Columns =
        "id, mentor_id, status, kind, pause_reason, expected_return_date, paused_at, reactivated_at, ended_at, coordinator_id";

    public PauseResponse ToResponse(DateTimeOffset now) => new(Id, MentorId, SnakeCase.Parse<PauseRecordStatus>(Status),
        SnakeCase.Parse<PauseKind>(Kind), PauseReason, ExpectedReturnDate,
        PausedAt, ReactivatedAt, EndedAt, (int)Math.Floor(((EndedAt ?? now.UtcDateTime) - PausedAt).TotalDays), CoordinatorId);
}

/// <summary>`POST /mentors/{id}/pause`: both optional; reason trimmed (blank = none), at most 200 characters.</summary>
public sealed record PauseRequest(string? Reason, DateOnly? ExpectedReturnDate);

/// <summary>`POST /mentors/{id}/reactivation/hold` (reason optional) and `POST /mentors/{id}/deactivate` (reason required).</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>`PUT /mentors/{id}/certification`.</summary>
public sealed record CertificationRequest(DateOnly? ExpiresAt);

/// <summary>One row of `GET /roster/paused`: a paused or pending mentor with their live pause.</summary>
public sealed record RosterItem(
    Guid MentorId, string DisplayName, Guid[] ChapterIds, MentorStatus Status, Guid PauseId, PauseKind Kind, string? PauseReason,
    DateTime PausedAt, DateOnly? ExpectedReturnDate, bool Overdue, DateOnly? CertificationExpiresAt, int OpenAssignmentCount);
