using System.Text.Json;
using Dapper;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>Checks of the wire format API.md fixes, and of "a refused request changed nothing".</summary>
internal static class ApiShape
{
    public static void HasMembers(JsonElement e, params string[] names) =>
        Assert.Equal(names.Order(), e.EnumerateObject().Select(p => p.Name).Order());

    public static void IsUtcTimestamp(JsonElement e) =>
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$", e.GetString());

    public static void IsDate(JsonElement e) => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", e.GetString());

    public static string[] ErrorFields(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();

    /// <summary>A fingerprint of every setup row in the database; equal before and after a refused request.</summary>
    public static async Task<string> SetupStateAsync(NpgsqlDataSource worker)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var tables = new[] { "organizations", "chapters", "people", "chapter_memberships", "peer_mentors", "contacts" };
        var sql = "SELECT " + string.Join(" || '|' || ", tables.Select(t =>
            $"(SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM {t} x)"));
        return await conn.ExecuteScalarAsync<string>(sql) ?? "";
    }
}
