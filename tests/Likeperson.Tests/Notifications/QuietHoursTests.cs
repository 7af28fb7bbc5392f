using System.Net.Http.Json;
using System.Text;
using Dapper;
using Likeperson.Notifications;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Notifications;

/// <summary>GET/PUT /me/quiet-hours, and SQL's quiet_hours_end: when a push created at a moment may go out.</summary>
public sealed class QuietHoursTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Url = "/api/v1/me/quiet-hours";
    private readonly World _world = new(server.Worker);

    private async Task<QuietHours> GetAsync(Guid person) => await (await server.As(person).GetAsync(Url)).ReadAsync<QuietHours>();

    /// <summary>A person inserted without any quiet-hours value: what someone who never set them has.</summary>
    private async Task<Guid> NeverSetAsync(Guid org)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>(
            "INSERT INTO people (organization_id, display_name) VALUES (@org, 'Never Set') RETURNING id", new { org });
    }

    [Fact]
    public async Task GetQuietHours_NeverSet_Enabled2200To0700()
    {
        var org = await _world.OrganizationAsync();
        Assert.Equal(new QuietHours(true, "22:00", "07:00"), await GetAsync(await NeverSetAsync(org)));
    }

    [Theory]
    [InlineData(true, "23:30", "06:15")] // crosses midnight
    [InlineData(true, "12:00", "13:00")] // does not
    [InlineData(false, "00:00", "23:59")]
    public async Task PutQuietHours_Valid_StoredAndReturnedForTheCallerOnly(bool enabled, string start, string end)
    {
        var org = await _world.StandardOrgAsync();
        var before = await GetAsync(org.CoordinatorB);
        var put = await (await server.As(org.CoordinatorA).PutAsJsonAsync(Url, new { enabled, start, end }, TestServer.Json)).ReadAsync<QuietHours>();

        Assert.Equal(new QuietHours(enabled, start, end), put);
        Assert.Equal(put, await GetAsync(org.CoordinatorA));
        Assert.Equal(before, await GetAsync(org.CoordinatorB));
    }

    [Theory]
    [InlineData("""{"enabled": true, "start": "24:00", "end": "07:00"}""", "start")]
    [InlineData("""{"enabled": true, "start": "7:00", "end": "07:00"}""", "start")]
    [InlineData("""{"enabled": true, "start": "22:00", "end": "07:60"}""", "end")]
    [InlineData("""{"enabled": true, "start": "22:00", "end": "07:00:00"}""", "end")]
    [InlineData("""{"enabled": true, "start": "22:00", "end": "22:00"}""", "end")]
    [InlineData("""{"enabled": true, "start": "22:00"}""", "end")]
    [InlineData("""{"start": "22:00", "end": "07:00"}""", "enabled")]
    [InlineData("""{"enabled": true, "start": "", "end": "07:00"}""", "start")]
    public async Task PutQuietHours_BadValue_422NamingTheFieldAndNothingChanged(string json, string field)
    {
        var org = await _world.OrganizationAsync();
        var person = await NeverSetAsync(org);
        var client = server.As(person);
        await (await client.PutAsJsonAsync(Url, new { enabled = false, start = "21:00", end = "06:00" }, TestServer.Json)).ReadAsync<QuietHours>();

        var response = await client.PutAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(422, "validation_failed");
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(new QuietHours(false, "21:00", "06:00"), await GetAsync(person));
    }

    [Fact]
    public async Task PutQuietHours_EveryFieldWrong_EachNamedAtOnce()
    {
        var org = await _world.OrganizationAsync();
        var response = await server.As(await NeverSetAsync(org)).PutAsync(Url, new StringContent("{}", Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(422, "validation_failed");
        Assert.Equal(["enabled", "end", "start"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
    }

    [Theory]
    [InlineData("""{"enabled": "yes", "start": "22:00", "end": "07:00"}""")]
    [InlineData("""{"enabled": true, "start": 2200, "end": "07:00"}""")]
    public async Task PutQuietHours_WrongType_400(string json)
    {
        var org = await _world.OrganizationAsync();
        var person = await NeverSetAsync(org);
        var response = await server.As(person).PutAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"));
        await response.ProblemAsync(400, "malformed_request");
        Assert.Equal(new QuietHours(true, "22:00", "07:00"), await GetAsync(person));
    }

    private async Task<DateTime?> EndAsync(Guid person, string at)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<DateTime?>("SELECT quiet_hours_end(@person, @at::timestamptz)", new { person, at });
    }

    private static DateTime? Utc(string? text) => text is null ? null : DateTimeOffset.Parse(text).UtcDateTime;

    private async Task<Guid> PersonWithAsync(string timezone, bool enabled, string start, string end)
    {
        var org = await _world.OrganizationAsync(timezone: timezone);
        var person = await _world.PersonAsync(org, "Sleeper", quietHours: true);
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE people SET quiet_hours_enabled = @enabled, quiet_hours_start = @start::time, quiet_hours_end = @end::time WHERE id = @person",
            new { person, enabled, start, end });
        return person;
    }

    [Theory] // Oslo is UTC+1 in December
    [InlineData("2026-12-10T01:00:00Z", "2026-12-10T06:00:00Z")] // 02:00: until 07:00 the same morning
    [InlineData("2026-12-09T22:30:00Z", "2026-12-10T06:00:00Z")] // 23:30: until 07:00 the next morning
    [InlineData("2026-12-09T21:00:00Z", "2026-12-10T06:00:00Z")] // 22:00 is inside
    [InlineData("2026-12-10T06:00:00Z", null)]                   // 07:00 is not
    [InlineData("2026-12-10T20:59:59Z", null)]                   // 21:59:59
    public async Task QuietHoursEnd_WindowAcrossMidnight_TheNextEndInTheOrganisationsZone(string at, string? expected)
    {
        var person = await PersonWithAsync("Europe/Oslo", true, "22:00", "07:00");
        Assert.Equal(Utc(expected), await EndAsync(person, at));
    }

    [Theory]
    [InlineData("2026-12-10T11:30:00Z", "2026-12-10T12:00:00Z")] // 12:30 Oslo
    [InlineData("2026-12-10T11:00:00Z", "2026-12-10T12:00:00Z")] // 12:00
    [InlineData("2026-12-10T12:00:00Z", null)]                   // 13:00
    [InlineData("2026-12-10T01:00:00Z", null)]                   // 02:00: a daytime window leaves the night alone
    public async Task QuietHoursEnd_WindowWithinADay_OnlyInsideIt(string at, string? expected)
    {
        var person = await PersonWithAsync("Europe/Oslo", true, "12:00", "13:00");
        Assert.Equal(Utc(expected), await EndAsync(person, at));
    }

    [Theory]
    [InlineData("2026-03-28T22:30:00Z", "2026-03-29T05:00:00Z")] // 23:30 CET; the clocks go forward: 07:00 CEST
    [InlineData("2026-03-29T01:30:00Z", "2026-03-29T05:00:00Z")] // 03:30 CEST, after the change
    [InlineData("2026-10-24T21:30:00Z", "2026-10-25T06:00:00Z")] // 23:30 CEST; the clocks go back: 07:00 CET
    [InlineData("2026-10-25T00:30:00Z", "2026-10-25T06:00:00Z")] // the first 02:30 of that night
    [InlineData("2026-10-25T01:30:00Z", "2026-10-25T06:00:00Z")] // the second 02:30
    public async Task QuietHoursEnd_DaylightSavingNight_EndsAt0700LocalOnTheRightDate(string at, string expected)
    {
        var person = await PersonWithAsync("Europe/Oslo", true, "22:00", "07:00");
        Assert.Equal(Utc(expected), await EndAsync(person, at));
    }

    [Fact]
    public async Task QuietHoursEnd_OtherTimeZoneOrDisabled_FollowsTheOrganisationOrNothing()
    {
        var newYork = await PersonWithAsync("America/New_York", true, "22:00", "07:00");
        Assert.Equal(Utc("2026-12-10T12:00:00Z"), await EndAsync(newYork, "2026-12-10T08:00:00Z")); // 03:00 EST
        Assert.Null(await EndAsync(newYork, "2026-12-10T01:00:00Z")); // 20:00 EST; 02:00 in Oslo would be quiet
        var off = await PersonWithAsync("Europe/Oslo", false, "22:00", "07:00");
        Assert.Null(await EndAsync(off, "2026-12-10T01:00:00Z"));
    }
}
