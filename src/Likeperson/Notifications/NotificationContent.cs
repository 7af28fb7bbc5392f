using System.Text.Json.Nodes;

namespace Likeperson.Notifications;

/// <summary>Facts read at dispatch time that the wording needs.</summary>
public sealed record DispatchFacts(string MentorName, DateOnly EffectiveDate, bool PushIncludesReason, int? PauseDays, string TimestampUtc);

/// <summary>
/// One notification's words and data, in-app and push. The in-app version always carries the
/// reason; the push version only when the organisation sets push_includes_reason. Data carries
/// the mentor's display name and ids, never other personal data (no contact names).
/// </summary>
public sealed record NotificationContent(string Title, string Body, string PushBody, JsonObject Data, JsonObject PushData)
{
    public static NotificationContent Compose(Occasion occasion, NotificationType type, OutboxPayload p, DispatchFacts f)
    {
        var name = f.MentorName;
        var date = f.EffectiveDate.ToString("yyyy-MM-dd");
        var after = f.PauseDays is { } d ? $" after a pause of {Days(d)}" : "";
        var expected = p.ExpectedReturnDate is { Length: > 0 } r ? $" Expected back {r}." : "";
        var (title, text) = (occasion, type) switch
        {
            (Occasion.Pause, NotificationType.MentorPaused) => ("Peer Mentor Paused", (p.Kind == "coordinator"
                ? $"{name} was paused by a coordinator on {date}." : $"{name} paused their mentoring on {date}.") + expected),
            (Occasion.Held, NotificationType.MentorPaused) => ("Peer Mentor Paused",
                $"{name}'s reactivation was put on hold on {date}; they remain paused."),
            (Occasion.CertificationExpiry, _) => ($"Certification Expired – {name} auto-paused",
                $"{name}'s certification has expired, so they were paused automatically on {date}. This is an automatic pause, "
                + "not a voluntary one: renew the certification before reactivating them."),
            (Occasion.Reactivated, NotificationType.MentorReactivated) => ("Peer Mentor Reactivated", $"{name} is active again from {date}{after}."),
            (Occasion.Acknowledged, NotificationType.MentorReactivated) => ("Peer Mentor Reactivated",
                $"{name}'s reactivation was acknowledged on {date}; they are active again{after}."),
            (Occasion.ReactivationRequested, NotificationType.ReactivationPendingAck) => ("Reactivation Pending Acknowledgement",
                $"{name} asked to be reactivated on {date}{after}. Acknowledge the reactivation or put it on hold."),
            (Occasion.Deactivated, _) => ("Peer Mentor Deactivated", $"{name} was deactivated on {date}."),
            (Occasion.Pause, NotificationType.PauseConfirmation) => ("Pause Confirmed",
                $"Your pause from {date} is registered and your coordinator has been told." + expected),
            (Occasion.Held, NotificationType.PauseConfirmation) => ("Reactivation On Hold",
                $"Your coordinator put your reactivation on hold on {date}; you remain paused."),
            (Occasion.Reactivated, NotificationType.ReactivationConfirmation) => ("Reactivation Confirmed", $"You are active again from {date}."),
            (Occasion.ReactivationRequested, NotificationType.ReactivationConfirmation) => ("Reactivation Requested",
                $"Your reactivation request of {date} is waiting for your coordinator's acknowledgement."),
            (Occasion.Acknowledged, NotificationType.ReactivationConfirmation) => ("Reactivation Confirmed",
                $"Your coordinator acknowledged your reactivation on {date}; you are active again."),
            (Occasion.HonorariumThreshold, _) => ("Honorarium Threshold Reached",
                $"{name} reached {p.Threshold} assignments on {date} (assignment number {p.Sequence})."),
            (Occasion.FollowUpReminder, _) => ("Follow-up Reminder",
                $"One of your assignments has had no recorded contact for {Days(p.DaysSinceContact ?? 0)}. Please follow up."),
            (Occasion.FollowUpEscalation, _) => ("Follow-up Overdue",
                $"An assignment of {name} has had no recorded contact for {Days(p.DaysSinceContact ?? 0)}."),
            _ => throw new InvalidOperationException($"No wording for {type} on {occasion}."),
        };
        var reason = occasion is Occasion.Pause or Occasion.Held or Occasion.Deactivated && p.Reason is { Length: > 0 }
            ? $" Reason: {p.Reason}" : "";
        var data = BuildData(occasion, p, f);
        var pushData = (JsonObject)data.DeepClone();
        if (!f.PushIncludesReason) pushData.Remove("reason");
        return new(title, text + reason, text + (f.PushIncludesReason ? reason : ""), data, pushData);
    }

    private static JsonObject BuildData(Occasion occasion, OutboxPayload p, DispatchFacts f)
    {
        var data = new JsonObject
        {
            ["mentor_id"] = p.MentorId.ToString(),
            ["mentor_display_name"] = f.MentorName,
            ["new_status"] = p.NewStatus,
            ["previous_status"] = p.PreviousStatus,
            ["reason"] = p.Reason,
            ["actor_id"] = p.ActorId?.ToString(),
            ["timestamp_utc"] = f.TimestampUtc,
            ["pause_id"] = p.PauseId?.ToString(),
            ["deep_link"] = occasion is Occasion.FollowUpReminder or Occasion.FollowUpEscalation && p.AssignmentId is { } a
                ? $"/assignments/{a}" : $"/mentors/{p.MentorId}",
        };
        if (p.AssignmentId is { } assignment) data["assignment_id"] = assignment.ToString();
        return data;
    }

    private static string Days(int n) => n == 1 ? "1 day" : $"{n} days";
}
