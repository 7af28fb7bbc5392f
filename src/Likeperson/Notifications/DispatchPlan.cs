using System.Text.Json;

namespace Likeperson.Notifications;

/// <summary>An outbox row's payload, for every kind (contracts.md, "Outbox rows"); absent fields stay null.</summary>
public sealed class OutboxPayload
{

    public string? Transition { get; init; }
    public Guid MentorId { get; init; }
    public string? MentorDisplayName { get; init; }
    public string? PreviousStatus { get; init; }
    public string? NewStatus { get; init; }
    public string? Kind { get; init; }
    public string? Reason { get; init; }
    public string? ExpectedReturnDate { get; init; }
    public Guid? ActorId { get; init; }
    public Guid? PauseId { get; init; }
    public int? PriorPauseDays { get; init; }
    public Guid? AssignmentId { get; init; }
    public Guid? ChapterId { get; init; }
    public int? Threshold { get; init; }
    public int? Sequence { get; init; }
    public int? DaysSinceContact { get; init; }
    public string? CertificationExpiresAt { get; init; }
    public int? DaysLeft { get; init; }

    public static OutboxPayload Parse(string json) =>
        JsonSerializer.Deserialize<OutboxPayload>(json, SnakeCase.Json) ?? throw new JsonException("The outbox payload is null.");
}

/// <summary>What happened, as far as wording a notification goes.</summary>
public enum Occasion
{
    Pause, Held, CertificationExpiry, Reactivated, ReactivationRequested, Acknowledged, Deactivated,
    HonorariumThreshold, FollowUpReminder, FollowUpEscalation, CertificationExpiring, ReturnDatePassed,
}

/// <summary>
/// Who is told what about one outbox row. The audience (coordinators, falling back to org admins)
/// is resolved at dispatch time; <see cref="AudienceChapter"/> narrows it to one chapter's
/// coordinators (escalations), otherwise it is the mentor's chapters. The mentor is told
/// <see cref="MentorType"/> when set. <see cref="AudienceInAppOnly"/>: the audience gets an in-app note only, whatever
/// channels they chose (the mentor's own channels still apply to them).
/// </summary>
public sealed record DispatchPlan(Occasion Occasion, NotificationType? AudienceType, Guid? AudienceChapter, NotificationType? MentorType,
    bool AudienceInAppOnly = false)
{
    public static DispatchPlan For(string kind, OutboxPayload p) => kind switch
    {
        "mentor_status_changed" => ForTransition(p),
        "honorarium_threshold_reached" => new(Occasion.HonorariumThreshold, NotificationType.HonorariumThresholdReached, null, null),
        "follow_up_reminder" => new(Occasion.FollowUpReminder, null, null, NotificationType.FollowUpReminder),
        "follow_up_escalation" => new(Occasion.FollowUpEscalation, NotificationType.FollowUpEscalation,
            p.ChapterId ?? throw new JsonException("follow_up_escalation needs chapter_id."), null),
        "certification_expiring" => new(Occasion.CertificationExpiring, NotificationType.CertificationExpiring, null,
            NotificationType.CertificationExpiring),
        "return_date_passed" => new(Occasion.ReturnDatePassed, NotificationType.ReturnDatePassed, null, NotificationType.ReturnDatePassed,
            AudienceInAppOnly: true),
        _ => throw new JsonException($"Unknown outbox kind '{kind}'."),
    };

    /// <summary>
    /// The mentor hears about their own pause and reactivation (actor = mentor), and always about
    /// the outcome of their reactivation request (acknowledged, or put on hold), which they wait for.
    /// </summary>
    private static DispatchPlan ForTransition(OutboxPayload p)
    {
        var own = p.ActorId == p.MentorId;
        return (p.Transition, p.NewStatus) switch
        {
            ("pause", _) => new(Occasion.Pause, NotificationType.MentorPaused, null, own ? NotificationType.PauseConfirmation : null),
            ("hold", _) => new(Occasion.Held, NotificationType.MentorPaused, null, NotificationType.PauseConfirmation),
            ("certification_expiry", _) => new(Occasion.CertificationExpiry, NotificationType.CertificationExpiryAutoPause, null, null),
            ("reactivate", "pending_reactivation") => new(Occasion.ReactivationRequested, NotificationType.ReactivationPendingAck, null,
                own ? NotificationType.ReactivationConfirmation : null),
            ("reactivate", _) => new(Occasion.Reactivated, NotificationType.MentorReactivated, null,
                own ? NotificationType.ReactivationConfirmation : null),
            ("acknowledge", _) => new(Occasion.Acknowledged, NotificationType.MentorReactivated, null, NotificationType.ReactivationConfirmation),
            ("deactivate", _) => new(Occasion.Deactivated, NotificationType.MentorDeactivated, null, null),
            _ => throw new JsonException($"Unknown transition '{p.Transition}'."),
        };
    }
}
