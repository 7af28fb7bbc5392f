using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Assignments;

/// <summary>Short-hands for the assignment tests: requests through HTTP, facts read as the worker.</summary>
public static class AssignmentHelpers
{
    public static async Task<AssignmentResponse> CreateAsync(this HttpClient client, Guid mentor, Guid contact, string? status = null,
        string? notes = null) =>
        await (await client.PostJsonAsync("/api/v1/assignments", new { peer_mentor_id = mentor, contact_id = contact, status, notes }))
            .ReadAsync<AssignmentResponse>(201);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, Guid id, string json, int? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/assignments/{id}")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", $"\"{ifMatch}\"");
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> RecordActivityAsync(this HttpClient client, Guid id, DateTimeOffset occurredAt,
        string? kind = null, string? note = null) =>
        client.PostJsonAsync($"/api/v1/assignments/{id}/activities", new { occurred_at = occurredAt, kind, note });

    public static async Task<AssignmentResponse> GetAssignmentAsync(this HttpClient client, Guid id) =>
        await (await client.GetAsync($"/api/v1/assignments/{id}")).ReadAsync<AssignmentResponse>();

    /// <summary>Makes a mentor non-active the way the mentor-status feature would leave them (as the worker, directly).</summary>
    public static async Task SetMentorStatusAsync(this NpgsqlDataSource worker, Guid mentor, string status)
    {
        await using var conn = await worker.OpenConnectionAsync();
        Assert.Equal(1, await conn.ExecuteAsync("UPDATE peer_mentors SET status = @status WHERE id = @mentor", new { status, mentor }));
    }

    public static async Task<List<(string Type, JsonElement Payload, Guid[] ChapterIds, Guid? MentorId)>> EventsAsync(
        this NpgsqlDataSource worker, Guid org)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var rows = await conn.QueryAsync<(string, string, Guid[], Guid?)>(
            // Assignment events only: the notification dispatcher adds notification.created events of its own (e.g. honorarium).
            "SELECT event_type, payload::text, chapter_ids, mentor_id FROM change_events WHERE organization_id = @org AND event_type LIKE 'assignment.%' ORDER BY position",
            new { org });
        return rows.Select(r => (r.Item1, JsonSerializer.Deserialize<JsonElement>(r.Item2), r.Item3, r.Item4)).ToList();
    }

    public static async Task<List<JsonElement>> OutboxAsync(this NpgsqlDataSource worker, Guid org, string kind)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var rows = await conn.QueryAsync<string>("SELECT payload::text FROM outbox WHERE organization_id = @org AND kind = @kind ORDER BY id",
            new { org, kind });
        return rows.Select(r => JsonSerializer.Deserialize<JsonElement>(r)).ToList();
    }

    public static string Text(int length) => new('x', length);
}
