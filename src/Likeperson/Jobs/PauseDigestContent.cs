using System.Text.Json.Nodes;
using Likeperson.Notifications;

namespace Likeperson.Jobs;

/// <summary>
/// The words of a pause digest: how many updates, which mentors and what happened to each. One
/// update is one held event (its in-app and push rows count once). Names only, nothing else personal.
/// </summary>
public sealed record PauseDigestContent(string Title, string Body, JsonObject Data)
{
    /// <summary>
    /// The digest for <paramref name="recipient"/>. It links to the paused roster, except for a peer mentor whose digest is
    /// only about themself (their own certification and return-date warnings): the roster is not theirs, /my is.
    /// </summary>
    public static PauseDigestContent Compose(IReadOnlyList<HeldRow> held, DateTimeOffset now, string language = Words.Default,
        Guid? recipient = null)
    {
        var w = new Words(language);
        var updates = held.DistinctBy(h => (h.OutboxId?.ToString() ?? h.Id.ToString(), h.Type)).ToList();
        var mentors = updates.GroupBy(u => u.MentorId).Select(g => new
        {
            Id = g.Key,
            Name = g.Select(u => u.MentorName).FirstOrDefault(n => n is { Length: > 0 }) ?? w.T("A peer mentor", "En likeperson"),
            What = string.Join(", ", g.Select(u => What(u.Type, w)).Distinct()),
        }).ToList();
        var count = updates.Count;
        var title = w.T(count == 1 ? "Daily Summary: 1 peer-mentor update" : $"Daily Summary: {count} peer-mentor updates",
            count == 1 ? "Daglig oppsummering: 1 likepersonoppdatering" : $"Daglig oppsummering: {count} likepersonoppdateringer");
        var body = w.T("Since your last summary: ", "Siden forrige oppsummering: ") + string.Join("; ", mentors.Select(m => $"{m.Name} ({m.What})")) + ".";
        var data = new JsonObject
        {
            ["count"] = count,
            ["mentor_ids"] = new JsonArray(mentors.Where(m => m.Id is not null).Select(m => (JsonNode)JsonValue.Create(m.Id!.Value.ToString())!).ToArray()),
            ["mentor_names"] = new JsonArray(mentors.Select(m => (JsonNode)JsonValue.Create(m.Name)!).ToArray()),
            ["period_start"] = Rfc3339(held.Min(h => h.CreatedAt)),
            ["timestamp_utc"] = Rfc3339(now.UtcDateTime),
            ["deep_link"] = recipient is not null && held.All(h => h.MentorId == recipient) ? "/my" : "/roster/paused",
        };
        return new(title, body, data);
    }

    private static string What(string type, Words w) => type switch
    {
        "mentor_paused" => w.T("paused", "på pause"),
        "mentor_reactivated" => w.T("reactivated", "reaktivert"),
        "reactivation_pending_ack" => w.T("asks to be reactivated", "ber om reaktivering"),
        "certification_expiry_auto_pause" => w.T("certification expired", "sertifisering utløpt"),
        "mentor_deactivated" => w.T("deactivated", "deaktivert"),
        "certification_expiring" => w.T("certification expires soon", "sertifisering utløper snart"),
        "return_date_passed" => w.T("expected return date passed", "forventet returdato passert"),
        _ => type.Replace('_', ' '),
    };

    private static string Rfc3339(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
}
