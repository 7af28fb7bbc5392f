using Dapper;
using Likeperson.Mentors;
using Likeperson.Reports;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Reports;

/// <summary>A server whose clock each test sets (tests of one class run one after another).</summary>
public sealed class ReportClockServer : TestServer
{
    public StoppedClock Clock { get; } = new(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>Set-up through the real transition functions at chosen moments, and the two reads the report must agree with.</summary>
public static class ReportWorld
{
    /// <summary>The mentor joined at <paramref name="at"/> (the row's created_at is otherwise the real clock's now).</summary>
    public static Task JoinedAsync(this TestServer server, Guid mentor, DateTimeOffset at) =>
        SqlAs.WorkerAsync(server.Database, c => c.ExecuteAsync("UPDATE peer_mentors SET created_at = @at WHERE id = @mentor", new { mentor, at }));

    public static Task PauseAsync(this TestServer server, Guid actor, Guid mentor, DateTimeOffset at) =>
        SqlAs.PersonAsync(server.Database, actor, c => c.ExecuteAsync("SELECT mentor_pause(@mentor, 'Report test', NULL, NULL, @at)", new { mentor, at }));

    public static Task ReactivateAsync(this TestServer server, Guid actor, Guid mentor, DateTimeOffset at) =>
        SqlAs.PersonAsync(server.Database, actor, c => c.ExecuteAsync("SELECT mentor_reactivate(@mentor, NULL, @at)", new { mentor, at }));

    public static async Task<EngagementReport> ReportAsync(this TestServer server, Guid caller, string from, string to, Guid? chapter = null) =>
        await (await server.As(caller).GetAsync($"/api/v1/reports/engagement?from={from}&to={to}{(chapter is null ? "" : $"&chapter_id={chapter}")}"))
            .ReadAsync<EngagementReport>();

    public static async Task<EngagementRow> RowAsync(this TestServer server, Guid caller, Guid mentor, string from, string to) =>
        (await server.ReportAsync(caller, from, to)).Items.Single(i => i.MentorId == mentor);

    /// <summary>duration_days of each of the mentor's pauses, as `GET /mentors/{id}/pauses` gives them now.</summary>
    public static async Task<List<int>> DurationDaysAsync(this TestServer server, Guid caller, Guid mentor) =>
        (await (await server.As(caller).GetAsync($"/api/v1/mentors/{mentor}/pauses")).ReadAsync<Page<PauseResponse>>())
            .Items.Select(p => p.DurationDays).ToList();

    public static int PausedDays(this EngagementRow r) => r.DaysPausedVoluntary + r.DaysPausedByCoordinator + r.DaysPausedCertification;

    /// <summary>A local wall-clock time in a time zone, as an instant.</summary>
    public static DateTimeOffset Local(string zone, int year, int month, int day, int hour = 0, int minute = 0)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var wall = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, tz.GetUtcOffset(wall)).ToUniversalTime();
    }
}
