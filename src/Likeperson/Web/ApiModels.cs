using System.Text.Json;

namespace Likeperson.Web;

// The shapes of API.md as the UI reads them (snake_case JSON; enums kept as their strings).

public sealed record PageDto<T>(List<T> Items, string? NextCursor);

public sealed record ChapterDto(Guid Id, string Name);

public sealed record ContactDto(Guid Id, Guid ChapterId, string DisplayName);

public sealed record AssignmentDto(Guid Id, Guid PeerMentorId, Guid ContactId, string Status, DateTime? LastContactDate,
    int MentorAssignmentSequence, DateTime CreatedAt, DateTime? ClosedAt, string? Notes, int Version);

public sealed record AssignmentPageDto(List<AssignmentDto> Items, string? NextCursor, long StreamPosition);

public sealed record PauseDto(Guid Id, Guid MentorId, string Status, string Kind, string? PauseReason, DateOnly? ExpectedReturnDate,
    DateTime PausedAt, DateTime? ReactivatedAt, DateTime? EndedAt, int DurationDays, Guid? CoordinatorId);

public sealed record MentorDto(Guid Id, string DisplayName, Guid OrganizationId, Guid[] ChapterIds, string Status, int Version,
    DateOnly? CertificationExpiresAt, PauseDto? CurrentPause);

public sealed record RosterItemDto(Guid MentorId, string DisplayName, Guid[] ChapterIds, string Status, Guid? PauseId, string? Kind,
    string? PauseReason, DateTime? PausedAt, DateOnly? ExpectedReturnDate, bool Overdue, DateOnly? CertificationExpiresAt, int OpenAssignmentCount);

public sealed record NotificationDto(Guid Id, string Type, string Title, string Body, JsonElement Data, string Status,
    DateTime CreatedAt, DateTime? DeliveredAt, DateTime? OpenedAt, DateTime? AcknowledgedAt)
{
    public string? DataString(string name) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;
}

public sealed record NotificationPageDto(List<NotificationDto> Items, string? NextCursor, int UnreadCount);

public sealed record PauseLogDto(Guid Id, string Type, Guid? RecipientId, string? RecipientDisplayName, string Channel, string Status,
    DateTime CreatedAt, DateTime? SentAt, DateTime? DeliveredAt, DateTime? OpenedAt, DateTime? AcknowledgedAt, string? Error);

public sealed record PreferenceDto(string Type, bool Enabled, string Channels, string Mode);

public sealed record PreferencesDto(List<PreferenceDto> Preferences);
