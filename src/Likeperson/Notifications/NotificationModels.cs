using System.Text.Json;

namespace Likeperson.Notifications;

/// <summary>What a notification is about (the SQL CHECK notifications_type_valid lists the same values).</summary>
public enum NotificationType
{
    /// <summary>To coordinators: a mentor paused, was paused, or their reactivation was put on hold.</summary>
    MentorPaused,
    /// <summary>To coordinators: a mentor is active again (reactivated or acknowledged); the body gives the pause length.</summary>
    MentorReactivated,
    /// <summary>To coordinators: a mentor was deactivated (left the programme).</summary>
    MentorDeactivated,
    /// <summary>To coordinators: the certification expired and the mentor was paused automatically. Compliance-critical.</summary>
    CertificationExpiryAutoPause,
    /// <summary>To coordinators: a mentor asked to be reactivated and waits for acknowledgement.</summary>
    ReactivationPendingAck,
    /// <summary>To the mentor: their own pause is registered, or their reactivation was put on hold.</summary>
    PauseConfirmation,
    /// <summary>To the mentor: their reactivation took effect, is waiting for acknowledgement, or was acknowledged.</summary>
    ReactivationConfirmation,
    /// <summary>The daily summary of notifications a recipient chose to receive as a digest.</summary>
    PauseDigest,
    /// <summary>To coordinators: a mentor's assignment count reached an honorarium threshold.</summary>
    HonorariumThresholdReached,
    /// <summary>To the mentor: an assignment has had no contact for the reminder threshold.</summary>
    FollowUpReminder,
    /// <summary>To the coordinators of the assignment's chapter: no contact for the escalation threshold.</summary>
    FollowUpEscalation,
    /// <summary>To the mentor and their coordinators: the certification expires within one of the organisation's certification_warning_days.</summary>
    CertificationExpiring,
    /// <summary>To the mentor (push and in-app) and their coordinators (in-app): the pause's expected return date has passed.</summary>
    ReturnDatePassed,
}

/// <summary>Which types are compliance-critical: always on, always at once, and sent to browsers with `Urgency: high`.</summary>
public static class CriticalTypes
{
    public static bool Includes(NotificationType type) => type == NotificationType.CertificationExpiryAutoPause;

    public static bool Includes(string type) => Enum.TryParse<NotificationType>(type.Replace("_", ""), ignoreCase: true, out var t) && Includes(t);
}

public enum NotificationChannel { Push, InApp }

/// <summary>Forward only: held/pending → sent → delivered → opened → acknowledged; failed and undeliverable are terminal.</summary>
public enum NotificationStatus
{
    /// <summary>A push message waiting for the sender.</summary>
    Pending,
    /// <summary>Waiting for the recipient's daily digest.</summary>
    Held,
    /// <summary>Accepted by FCM (push) or placed in the inbox (in-app).</summary>
    Sent,
    Delivered,
    Opened,
    Acknowledged,
    /// <summary>FCM refused it for good or kept failing past the retry bound; `error` says why.</summary>
    Failed,
    /// <summary>Nobody could receive it: no recipient at all, or a recipient without a registered device.</summary>
    Undeliverable,
}

/// <summary>
/// The notification types a person may configure (the one list: the endpoint, the /preferences page and the SQL CHECK
/// notification_preferences_type_valid). The last two reach the mentor too (<see cref="PreferenceTypes.ReachingMentors"/>).
/// </summary>
public enum PreferenceType
{
    MentorPaused, MentorReactivated, CertificationExpiryAutoPause, ReactivationPendingAck,
    /// <summary>The certification expires soon (to the mentor and their coordinators).</summary>
    CertificationExpiring,
    /// <summary>A pause's expected return date passed (to the mentor, and in-app to their coordinators).</summary>
    ReturnDatePassed,
}

public static class PreferenceTypes
{
    /// <summary>The configurable types a peer mentor receives about themself (DispatchPlan's MentorType for them).</summary>
    public static readonly PreferenceType[] ReachingMentors = [PreferenceType.CertificationExpiring, PreferenceType.ReturnDatePassed];
}

public enum ChannelChoice { Push, InApp, Both }

public enum DeliveryMode { Immediate, Digest }

public enum DevicePlatform { Android, Ios, Web }

/// <summary>An in-app notification as the centre lists it (and as notification.created carries it). Times are RFC 3339 UTC.</summary>
public sealed record NotificationItem(
    Guid Id, NotificationType Type, string Title, string Body, JsonElement Data, NotificationStatus Status,
    string CreatedAt, string? DeliveredAt, string? OpenedAt, string? AcknowledgedAt);

public sealed record NotificationPage(IReadOnlyList<NotificationItem> Items, string? NextCursor, int UnreadCount);

/// <summary>One row of a pause's notification log. QuietHoursUntil: the push was held for the recipient's quiet hours, until then.</summary>
public sealed record PauseLogEntry(
    Guid Id, NotificationType Type, Guid? RecipientId, string? RecipientDisplayName, NotificationChannel Channel,
    NotificationStatus Status, DateTime CreatedAt, DateTime? SentAt, DateTime? DeliveredAt, DateTime? OpenedAt,
    DateTime? AcknowledgedAt, string? Error, DateTime? QuietHoursUntil = null);

public sealed record Preference(PreferenceType Type, bool Enabled, ChannelChoice Channels, DeliveryMode Mode);

public sealed record PreferencesResponse(IReadOnlyList<Preference> Preferences);

public sealed record PreferenceInput(PreferenceType? Type, bool? Enabled, ChannelChoice? Channels, DeliveryMode? Mode);

public sealed record PreferencesRequest(PreferenceInput[]? Preferences);

public sealed record DeviceRequest(string? Token, DevicePlatform? Platform);

public sealed record DeviceResponse(string Token, DevicePlatform Platform, DateTime CreatedAt);

public sealed record DeliveryProblems(Guid OrganizationId, int UndeliverableCount, int FailedCount);
