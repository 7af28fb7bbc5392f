using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.BrowserTests;

/// <summary>
/// Test data through the real rules: mentor transitions through the database's transition functions as the acting
/// person (the same functions the API calls, so outbox, change events and notifications follow), reads through the API.
/// </summary>
public static class Arrange
{
    public static Task PauseAsync(this BrowserFixture f, Guid actor, Guid mentor, string? reason = null, DateOnly? expectedReturn = null) =>
        SqlAs.PersonAsync(f.Server.Database, actor, c => c.ExecuteAsync(
            "SELECT mentor_pause(@mentor, @reason, @expectedReturn, NULL, now())", new { mentor, reason, expectedReturn }));

    public static Task ReactivateAsync(this BrowserFixture f, Guid actor, Guid mentor) =>
        SqlAs.PersonAsync(f.Server.Database, actor, c => c.ExecuteAsync("SELECT mentor_reactivate(@mentor, NULL, now())", new { mentor }));

    /// <summary>The nightly job's step: the certification ran out yesterday, so the mentor is paused automatically.</summary>
    public static async Task ExpireCertificationAsync(this BrowserFixture f, Guid mentor)
    {
        await using var conn = new NpgsqlConnection(f.Server.Database.Owner);
        await conn.OpenAsync();
        await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = current_date - 2 WHERE id = @mentor", new { mentor });
        Assert.True(await conn.ExecuteScalarAsync<bool>("SET ROLE likeperson_worker; SELECT mentor_certification_expire(@mentor, now())", new { mentor }));
        await conn.ExecuteAsync("RESET ROLE");
    }

    /// <summary>Moves a live pause's expected return date into the past (time passing), which makes it overdue.</summary>
    public static async Task ExpectedReturnAsync(this BrowserFixture f, Guid mentor, DateOnly date)
    {
        await using var conn = new NpgsqlConnection(f.Server.Database.Owner);
        await conn.OpenAsync();
        Assert.Equal(1, await conn.ExecuteAsync(
            "UPDATE pause_records SET expected_return_date = @date WHERE mentor_id = @mentor AND status IN ('paused', 'expired_cert')", new { mentor, date }));
    }

    public static async Task SetCertificationAsync(this BrowserFixture f, Guid mentor, DateOnly date)
    {
        await using var conn = new NpgsqlConnection(f.Server.Database.Owner);
        await conn.OpenAsync();
        await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = @date WHERE id = @mentor", new { mentor, date });
    }

    /// <summary>Waits until the dispatcher has written the person's in-app notifications (it runs in the server).</summary>
    public static async Task<JsonElement[]> NotificationsAsync(this BrowserFixture f, Guid person, int atLeast)
    {
        using var client = f.Server.As(person);
        for (var i = 0; ; i++)
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/notifications");
            var items = page.GetProperty("items").EnumerateArray().ToArray();
            if (items.Length >= atLeast) return items;
            if (i > 100) Assert.Fail($"Only {items.Length} notifications for {person} after 10 s; expected {atLeast}.");
            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> GetJsonAsync(this BrowserFixture f, Guid person, string path)
    {
        using var client = f.Server.As(person);
        return await client.GetFromJsonAsync<JsonElement>(path);
    }
}
