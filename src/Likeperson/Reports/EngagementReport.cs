using System.Globalization;
using System.Text.Json;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Reports;

/// <summary>
/// The engagement report for a period (dates in the organisation's time zone) and the caller's scope: SQL
/// engagement_report computes it in one statement, sent with the caller's identity in one round trip, so the endpoint,
/// the downloads and the /reports page read the same numbers. Days follow the pause history and the status log exactly
/// as `GET /mentors/{id}/pauses` counts duration_days (see docs/reports.md).
/// </summary>
public sealed record EngagementReport(
    Guid OrganizationId, string OrganizationName, string Timezone, Guid? ChapterId, string? ChapterName, DateOnly From, DateOnly To,
    List<EngagementRow> Items, List<ChapterTotals> Totals, List<MonthDays> Months)
{
    /// <summary>
    /// The report as <paramref name="personId"/> may read it. A missing date is the organisation's year to date; a date
    /// that is not YYYY-MM-DD is 422 on its field, as are the period rules the SQL function holds.
    /// </summary>
    public static async Task<EngagementReport> ReadAsync(Db db, Guid personId, string? from, string? to, Guid? chapterId,
        DateTimeOffset now, CancellationToken ct) => Parse(await ReadJsonAsync(db, personId, from, to, chapterId, now, ct));

    /// <summary>
    /// The same report as the JSON document SQL wrote, in the API's shape: the JSON endpoint sends it as it is (3.7 MB
    /// for 10,000 mentors need not be parsed into records and written again to be passed on).
    /// </summary>
    public static Task<string> ReadJsonAsync(Db db, Guid personId, string? from, string? to, Guid? chapterId,
        DateTimeOffset now, CancellationToken ct) => db.AsPersonAtOnceAsync(personId, JsonStatement(from, to, chapterId, now), ct);

    public static EngagementReport Parse(string json) => JsonSerializer.Deserialize<EngagementReport>(json, SnakeCase.Json)!;

    public static Statement<EngagementReport> Statement(string? from, string? to, Guid? chapterId, DateTimeOffset now)
    {
        var json = JsonStatement(from, to, chapterId, now);
        return new Statement<EngagementReport>(json.Sql, json.Parameters, async results => Parse(await json.Read(results)));
    }

    private static Statement<string> JsonStatement(string? from, string? to, Guid? chapterId, DateTimeOffset now)
    {
        var check = new Validation();
        var f = ParseDate(from, "from", check);
        var t = ParseDate(to, "to", check);
        check.ThrowIfAny();
        return new Statement<string>("SELECT engagement_report(@f, @t, @chapterId, @now)::text AS json;",
            new DynamicParameters(new { f, t, chapterId, now }),
            async results => (await results.ReadSingleAsync<JsonText>()).Json);
    }

    /// <summary>The function's document as text (Dapper's row parser reads a row type, not a bare string).</summary>
    private sealed class JsonText
    {
        public string Json { get; init; } = "";
    }

    private static DateOnly? ParseDate(string? text, string field, Validation check)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var ok = DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date);
        check.Check(ok, field, $"{field} must be a date (YYYY-MM-DD).");
        return ok ? date : null;
    }
}

/// <summary>One mentor's engagement in the period. activity_minutes stays 0 until activities carry a duration.</summary>
public sealed record EngagementRow(
    Guid MentorId, string DisplayName, Guid[] ChapterIds, int DaysActive, int DaysPausedVoluntary, int DaysPausedByCoordinator,
    int DaysPausedCertification, int Pauses, List<CertificationLapse> CertificationLapses, int AssignmentsOpened,
    int AssignmentsCompleted, int Activities, int ActivityMinutes);

/// <summary>
/// A certification-expiry pause overlapping the period: the date that lapsed, when the mentor was auto-paused, and the
/// day (organisation's time zone) the certification was renewed, if it has been.
/// </summary>
public sealed record CertificationLapse(DateOnly? ExpiredOn, DateTime PausedAt, DateOnly? RenewedOn);

/// <summary>A chapter's sums over its mentors (a mentor in two chapters counts in both); certification_lapses is a count.</summary>
public sealed record ChapterTotals(
    Guid ChapterId, string ChapterName, int Mentors, int DaysActive, int DaysPausedVoluntary, int DaysPausedByCoordinator,
    int DaysPausedCertification, int Pauses, int CertificationLapses, int AssignmentsOpened, int AssignmentsCompleted,
    int Activities, int ActivityMinutes);

/// <summary>Mentor-days active and paused (all kinds) in one calendar month of the period (YYYY-MM).</summary>
public sealed record MonthDays(string Month, int DaysActive, int DaysPaused);
