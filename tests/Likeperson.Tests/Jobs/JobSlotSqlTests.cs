using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Jobs;

/// <summary>job_latest_slot: the latest instant at a local time in a time zone, one per day also across DST changes.</summary>
public sealed class JobSlotSqlTests(TestServer server) : IClassFixture<TestServer>
{
    private Task<DateTime> SlotAsync(string now, string tz, string at) => SqlAs.WorkerAsync(server.Database, c =>
        c.ExecuteScalarAsync<DateTime>("SELECT job_latest_slot(@now::timestamptz, @tz, @at::time)", new { now, tz, at }));

    [Theory]
    [InlineData("2026-12-10T01:00:00Z", "Europe/Oslo", "02:00", "2026-12-10T01:00:00Z")] // exactly at the slot
    [InlineData("2026-12-10T00:59:59Z", "Europe/Oslo", "02:00", "2026-12-09T01:00:00Z")] // just before: the night before
    [InlineData("2026-07-10T12:00:00Z", "Europe/Oslo", "02:00", "2026-07-10T00:00:00Z")] // summer time, UTC+2
    [InlineData("2026-12-10T12:00:00Z", "America/New_York", "08:00", "2026-12-09T13:00:00Z")] // 07:00 there: yesterday's
    [InlineData("2027-03-28T12:00:00Z", "Europe/Oslo", "02:30", "2027-03-28T01:30:00Z")] // 02:30 does not exist that night: still one slot
    [InlineData("2026-10-25T12:00:00Z", "Europe/Oslo", "02:30", "2026-10-25T01:30:00Z")] // 02:30 happens twice that night: one slot
    public async Task LatestSlot_IsTheLatestLocalTimeNotAfterNow(string now, string tz, string at, string expected)
    {
        Assert.Equal(DateTime.Parse(expected).ToUniversalTime(), (await SlotAsync(now, tz, at)).ToUniversalTime());
    }
}
