namespace Likeperson.Organizations;

/// <summary>Chapter roles. peer_mentor: supports contacts; coordinator: supervises the chapter's mentors.</summary>
public enum ChapterRole { PeerMentor, Coordinator }

public sealed record OrganizationSettings(
    bool RequireReactivationAck, int ReminderThresholdDays, int EscalationThresholdDays, int[] HonorariumThresholds,
    int DigestHour, string Timezone, bool PushIncludesReason, int[] CertificationWarningDays)
{
    public static OrganizationSettings Defaults { get; } = new(false, 10, 20, [], 8, "Europe/Oslo", false, [30, 7]);

    public OrganizationSettings With(SettingsPatch? p) => p is null ? this : new(
        p.RequireReactivationAck ?? RequireReactivationAck, p.ReminderThresholdDays ?? ReminderThresholdDays,
        p.EscalationThresholdDays ?? EscalationThresholdDays, p.HonorariumThresholds ?? HonorariumThresholds,
        p.DigestHour ?? DigestHour, p.Timezone ?? Timezone, p.PushIncludesReason ?? PushIncludesReason,
        p.CertificationWarningDays ?? CertificationWarningDays);

    public void Validate(Validation v, string prefix)
    {
        v.Check(ReminderThresholdDays is >= 1 and <= 365, prefix + "reminder_threshold_days", "Must be between 1 and 365.");
        v.Check(EscalationThresholdDays is >= 1 and <= 365, prefix + "escalation_threshold_days", "Must be between 1 and 365.");
        v.Check(EscalationThresholdDays >= ReminderThresholdDays, prefix + "escalation_threshold_days", "Must not be below reminder_threshold_days.");
        v.Check(HonorariumThresholds.All(t => t > 0), prefix + "honorarium_thresholds", "Thresholds must be positive integers.");
        v.Check(HonorariumThresholds.Distinct().Count() == HonorariumThresholds.Length, prefix + "honorarium_thresholds", "Thresholds must be distinct.");
        v.Check(DigestHour is >= 0 and <= 23, prefix + "digest_hour", "Must be an hour between 0 and 23.");
        v.Check(TimeZones.IsKnown(Timezone), prefix + "timezone", "Must be an IANA time zone such as Europe/Oslo.");
        // The same bounds as the CHECK organizations_certification_warning_days_valid (migration 0024), plus distinctness.
        v.Check(CertificationWarningDays.All(t => t is >= 1 and <= 365), prefix + "certification_warning_days",
            "Thresholds must be whole numbers of days from 1 to 365.");
        v.Check(CertificationWarningDays.Distinct().Count() == CertificationWarningDays.Length, prefix + "certification_warning_days",
            "Thresholds must be distinct.");
        v.Check(CertificationWarningDays.Length <= 10, prefix + "certification_warning_days", "At most 10 thresholds.");
    }
}

/// <summary>Only the members sent are changed.</summary>
public sealed record SettingsPatch(
    bool? RequireReactivationAck, int? ReminderThresholdDays, int? EscalationThresholdDays, int[]? HonorariumThresholds,
    int? DigestHour, string? Timezone, bool? PushIncludesReason, int[]? CertificationWarningDays = null);

public sealed record CreateOrganizationRequest(string? Name, SettingsPatch? Settings);

public sealed record OrganizationResponse(Guid Id, string Name, OrganizationSettings Settings, DateTime CreatedAt);

public sealed record CreateChapterRequest(string? Name);

public sealed record ChapterResponse(Guid Id, Guid OrganizationId, string Name);

public sealed record Membership(Guid ChapterId, ChapterRole Role);

/// <summary>A membership as sent: both members are required (checked as validation, so a missing role is never read as a default).</summary>
public sealed record MembershipRequest(Guid? ChapterId, ChapterRole? Role);

public sealed record CreatePersonRequest(string? DisplayName, bool? OrgAdmin, MembershipRequest?[]? Memberships, DateOnly? CertificationExpiresAt);

public sealed record ReplaceMembershipsRequest(MembershipRequest?[]? Memberships);

public sealed record PersonResponse(Guid Id, string DisplayName, Guid OrganizationId, bool OrgAdmin, Membership[] Memberships);

public sealed record CreateContactRequest(string? DisplayName, Guid? ChapterId);

public sealed record ContactResponse(Guid Id, Guid OrganizationId, Guid ChapterId, string DisplayName);

public static class TimeZones
{
    /// <summary>IANA ids only: .NET would also accept Windows ids, which PostgreSQL (and the contract) do not.</summary>
    public static bool IsKnown(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    /// <summary>Today's date in the organisation's time zone (pause dates and "overdue" are judged there).</summary>
    public static DateOnly Today(TimeProvider clock, string timezone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timezone)).DateTime);
}
