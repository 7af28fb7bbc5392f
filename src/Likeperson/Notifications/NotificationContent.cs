using System.Globalization;
using System.Text.Json.Nodes;

namespace Likeperson.Notifications;

/// <summary>Facts read at dispatch time that the wording needs.</summary>
public sealed record DispatchFacts(string MentorName, DateOnly EffectiveDate, bool PushIncludesReason, int? PauseDays, string TimestampUtc);

/// <summary>
/// One notification's words and data, in-app and push, in the recipient's language. The in-app version always carries the
/// reason; the push version only when the organisation sets push_includes_reason. Data carries
/// the mentor's display name and ids, never other personal data (no contact names).
/// </summary>
public sealed record NotificationContent(string Title, string Body, string PushBody, JsonObject Data, JsonObject PushData)
{
    /// <summary><paramref name="toMentor"/>: the words for the mentor the notification is about (you), where they differ.</summary>
    public static NotificationContent Compose(Occasion occasion, NotificationType type, OutboxPayload p, DispatchFacts f, string language = "en",
        bool toMentor = false)
    {
        var w = new Words(language);
        var name = f.MentorName;
        var date = w.Date(f.EffectiveDate);
        var days = f.PauseDays is { } d ? w.Days(d) : null;
        var expected = ParseDate(p.ExpectedReturnDate) is { } returns
            ? w.T($" Expected back {w.Date(returns)}.", $" Forventet tilbake {w.Date(returns)}.") : "";
        var contactDays = w.Days(p.DaysSinceContact ?? 0);
        var expires = w.Date(ParseDate(p.CertificationExpiresAt) ?? f.EffectiveDate);
        var left = p.DaysLeft is 0 ? w.T("today", "i dag") : w.T($"in {w.Days(p.DaysLeft ?? 0)}", $"om {w.Days(p.DaysLeft ?? 0)}");
        var back = ParseDate(p.ExpectedReturnDate) is { } b ? w.Date(b) : date;
        var (title, text) = (occasion, type) switch
        {
            (Occasion.Pause, NotificationType.MentorPaused) => (w.T("Peer Mentor Paused", "Likeperson på pause"), (p.Kind == "coordinator"
                ? w.T($"{name} was paused by a coordinator on {date}.", $"{name} ble satt på pause av en koordinator {date}.")
                : w.T($"{name} paused their mentoring on {date}.", $"{name} tok pause som likeperson {date}.")) + expected),
            (Occasion.Held, NotificationType.MentorPaused) => (w.T("Peer Mentor Paused", "Likeperson på pause"),
                w.T($"{name}'s reactivation was put on hold on {date}; they remain paused.",
                    $"Reaktiveringen av {name} ble satt på vent {date}; vedkommende er fortsatt på pause.")),
            (Occasion.CertificationExpiry, _) => (w.T($"Certification Expired – {name} auto-paused", $"Sertifisering utløpt – {name} satt på pause automatisk"),
                w.T($"{name}'s certification has expired, so they were paused automatically on {date}. This is an automatic pause, "
                    + "not a voluntary one: renew the certification before reactivating them.",
                    $"Sertifiseringen til {name} er utløpt, så vedkommende ble satt på pause automatisk {date}. Dette er en automatisk pause, "
                    + "ikke en frivillig: forny sertifiseringen før reaktivering.")),
            (Occasion.Reactivated, NotificationType.MentorReactivated) => (w.T("Peer Mentor Reactivated", "Likeperson reaktivert"),
                w.T($"{name} is active again from {date}{(days is null ? "" : $" after a pause of {days}")}.",
                    $"{name} er aktiv igjen fra {date}{(days is null ? "" : $" etter en pause på {days}")}.")),
            (Occasion.Acknowledged, NotificationType.MentorReactivated) => (w.T("Peer Mentor Reactivated", "Likeperson reaktivert"),
                w.T($"{name}'s reactivation was acknowledged on {date}; they are active again{(days is null ? "" : $" after a pause of {days}")}.",
                    $"Reaktiveringen av {name} ble godkjent {date}; vedkommende er aktiv igjen{(days is null ? "" : $" etter en pause på {days}")}.")),
            (Occasion.ReactivationRequested, NotificationType.ReactivationPendingAck) => (w.T("Reactivation Pending Acknowledgement", "Reaktivering venter på godkjenning"),
                w.T($"{name} asked to be reactivated on {date}{(days is null ? "" : $" after a pause of {days}")}. Acknowledge the reactivation or put it on hold.",
                    $"{name} ba om å bli reaktivert {date}{(days is null ? "" : $" etter en pause på {days}")}. Godkjenn reaktiveringen eller sett den på vent.")),
            (Occasion.Deactivated, _) => (w.T("Peer Mentor Deactivated", "Likeperson deaktivert"),
                w.T($"{name} was deactivated on {date}.", $"{name} ble deaktivert {date}.")),
            (Occasion.Pause, NotificationType.PauseConfirmation) => (w.T("Pause Confirmed", "Pause bekreftet"),
                w.T($"Your pause from {date} is registered and your coordinator has been told.",
                    $"Pausen din fra {date} er registrert, og koordinatoren din har fått beskjed.") + expected),
            (Occasion.Held, NotificationType.PauseConfirmation) => (w.T("Reactivation On Hold", "Reaktivering satt på vent"),
                w.T($"Your coordinator put your reactivation on hold on {date}; you remain paused.",
                    $"Koordinatoren din satte reaktiveringen din på vent {date}; du er fortsatt på pause.")),
            (Occasion.Reactivated, NotificationType.ReactivationConfirmation) => (w.T("Reactivation Confirmed", "Reaktivering bekreftet"),
                w.T($"You are active again from {date}.", $"Du er aktiv igjen fra {date}.")),
            (Occasion.ReactivationRequested, NotificationType.ReactivationConfirmation) => (w.T("Reactivation Requested", "Reaktivering forespurt"),
                w.T($"Your reactivation request of {date} is waiting for your coordinator's acknowledgement.",
                    $"Forespørselen din om reaktivering fra {date} venter på godkjenning fra koordinatoren din.")),
            (Occasion.Acknowledged, NotificationType.ReactivationConfirmation) => (w.T("Reactivation Confirmed", "Reaktivering bekreftet"),
                w.T($"Your coordinator acknowledged your reactivation on {date}; you are active again.",
                    $"Koordinatoren din godkjente reaktiveringen din {date}; du er aktiv igjen.")),
            (Occasion.HonorariumThreshold, _) => (w.T("Honorarium Threshold Reached", "Honorargrense nådd"),
                w.T($"{name} reached {p.Threshold} assignments on {date} (assignment number {p.Sequence}).",
                    $"{name} nådde {p.Threshold} oppdrag {date} (oppdrag nummer {p.Sequence}).")),
            (Occasion.FollowUpReminder, _) => (w.T("Follow-up Reminder", "Påminnelse om oppfølging"),
                w.T($"One of your assignments has had no recorded contact for {contactDays}. Please follow up.",
                    $"Et av oppdragene dine har ikke hatt registrert kontakt på {contactDays}. Følg det opp.")),
            (Occasion.FollowUpEscalation, _) => (w.T("Follow-up Overdue", "Oppfølging forsinket"),
                w.T($"An assignment of {name} has had no recorded contact for {contactDays}.",
                    $"Et oppdrag for {name} har ikke hatt registrert kontakt på {contactDays}.")),
            (Occasion.CertificationExpiring, _) when toMentor => (w.T("Your Certification Expires Soon", "Sertifiseringen din utløper snart"),
                w.T($"Your certification expires on {expires} ({left}). Renew it in time and tell your coordinator the new date, or you will be "
                    + "paused automatically when it runs out.",
                    $"Sertifiseringen din utløper {expires} ({left}). Forny den i tide og gi koordinatoren din den nye datoen, ellers blir du "
                    + "satt på pause automatisk når den går ut.")),
            (Occasion.CertificationExpiring, _) => (w.T($"Certification Expiring – {name}", $"Sertifisering utløper – {name}"),
                w.T($"{name}'s certification expires on {expires} ({left}). Renew it in time, or they will be paused automatically when it runs out.",
                    $"Sertifiseringen til {name} utløper {expires} ({left}). Forny den i tide, ellers blir vedkommende satt på pause automatisk "
                    + "når den går ut.")),
            (Occasion.ReturnDatePassed, _) when toMentor => (w.T("Expected Return Date Passed", "Forventet returdato er passert"),
                w.T($"You expected to be back on {back}, and you are still paused. Reactivate when you are ready, or tell your coordinator "
                    + "when you expect to return.",
                    $"Du regnet med å være tilbake {back}, og du er fortsatt på pause. Reaktiver deg når du er klar, eller si fra til "
                    + "koordinatoren din når du regner med å komme tilbake.")),
            (Occasion.ReturnDatePassed, _) => (w.T("Expected Return Date Passed", "Forventet returdato er passert"),
                w.T($"{name} expected to be back on {back} and is still paused.", $"{name} regnet med å være tilbake {back} og er fortsatt på pause.")),
            _ => throw new InvalidOperationException($"No wording for {type} on {occasion}."),
        };
        var reason = occasion is Occasion.Pause or Occasion.Held or Occasion.Deactivated && p.Reason is { Length: > 0 }
            ? w.T($" Reason: {p.Reason}", $" Årsak: {p.Reason}") : "";
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
        if (occasion == Occasion.CertificationExpiring)
        {
            data["certification_expires_at"] = p.CertificationExpiresAt;
            data["days_left"] = p.DaysLeft;
        }
        if (occasion == Occasion.ReturnDatePassed) data["expected_return_date"] = p.ExpectedReturnDate;
        return data;
    }

    private static DateOnly? ParseDate(string? text) =>
        text is { Length: > 0 } && DateOnly.TryParse(text, CultureInfo.InvariantCulture, out var d) ? d : null;

}

/// <summary>
/// A notification's language: the recipient's (people.language: `nb` or `en`, set from their choice in the web UI), with
/// dates written as that language writes them ("3 December 2026", "3. desember 2026").
/// </summary>
public readonly record struct Words(string Language)
{
    public const string Default = "en";

    public bool Norwegian => Language == "nb";
    public CultureInfo Culture => CultureInfo.GetCultureInfo(Norwegian ? "nb-NO" : "en-GB");
    public string T(string en, string nb) => Norwegian ? nb : en;
    public string Date(DateOnly date) => date.ToString(Norwegian ? "d. MMMM yyyy" : "d MMMM yyyy", Culture);
    public string Days(int n) => Norwegian ? (n == 1 ? "1 dag" : $"{n} dager") : (n == 1 ? "1 day" : $"{n} days");
}
