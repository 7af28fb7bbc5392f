using System.Text.Json;
using Dapper;
using Npgsql;

namespace Likeperson.Tests.Mentors;

/// <summary>What the database holds about a mentor's status, read as the worker (past RLS) for assertions.</summary>
public static class MentorFacts
{
    public sealed record MentorState(string Status, int Version, DateOnly? CertificationExpiresAt);

    public sealed class Pause
    {
        public Guid Id { get; init; }
        public string Status { get; init; } = "";
        public string Kind { get; init; } = "";
        public string? PauseReason { get; init; }
        public DateOnly? ExpectedReturnDate { get; init; }
        public DateTime PausedAt { get; init; }
        public DateTime? ReactivatedAt { get; init; }
        public DateTime? EndedAt { get; init; }
        public Guid? CoordinatorId { get; init; }
        public bool Live => Status is "paused" or "expired_cert";
    }

    public sealed class LogRow
    {
        public string Transition { get; init; } = "";
        public string PreviousStatus { get; init; } = "";
        public string NewStatus { get; init; } = "";
        public int Version { get; init; }
        public string? Kind { get; init; }
        public string? Reason { get; init; }
        public Guid? ActorId { get; init; }
        public Guid? PauseId { get; init; }
    }

    public static async Task<MentorState> StateAsync(this NpgsqlDataSource worker, Guid mentor)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.QuerySingleAsync<MentorState>(
            "SELECT status, version, certification_expires_at AS CertificationExpiresAt FROM peer_mentors WHERE id = @mentor", new { mentor });
    }

    public static async Task<List<Pause>> PausesAsync(this NpgsqlDataSource worker, Guid mentor)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return (await conn.QueryAsync<Pause>("SELECT * FROM pause_records WHERE mentor_id = @mentor ORDER BY paused_at, created_at, id",
            new { mentor })).ToList();
    }

    public static async Task<List<LogRow>> LogAsync(this NpgsqlDataSource worker, Guid mentor)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return (await conn.QueryAsync<LogRow>("SELECT * FROM mentor_status_log WHERE mentor_id = @mentor ORDER BY id", new { mentor })).ToList();
    }

    /// <summary>The mentor_status_changed outbox payloads about this mentor, oldest first.</summary>
    public static async Task<List<JsonElement>> OutboxAsync(this NpgsqlDataSource worker, Guid mentor)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var rows = await conn.QueryAsync<string>(
            "SELECT payload::text FROM outbox WHERE kind = 'mentor_status_changed' AND payload->>'mentor_id' = @id ORDER BY id",
            new { id = mentor.ToString() });
        return rows.Select(r => JsonSerializer.Deserialize<JsonElement>(r)).ToList();
    }

    /// <summary>mentor.status_changed events about this mentor (filtered by type: the dispatcher adds notification.created ones).</summary>
    public static async Task<List<(long Position, Guid[] ChapterIds, Guid? MentorId, JsonElement Payload)>> EventsAsync(
        this NpgsqlDataSource worker, Guid mentor)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var rows = await conn.QueryAsync<(long, Guid[], Guid?, string)>("""
            SELECT position, chapter_ids, mentor_id, payload::text FROM change_events
            WHERE event_type = 'mentor.status_changed' AND mentor_id = @mentor ORDER BY position
            """, new { mentor });
        return rows.Select(r => (r.Item1, r.Item2, r.Item3, JsonSerializer.Deserialize<JsonElement>(r.Item4))).ToList();
    }

    /// <summary>
    /// The invariants every history must keep: at most one live pause; the log replays to the
    /// current status with versions rising by one from 1; a live pause exactly when paused or
    /// pending; one outbox row and one event per log row.
    /// </summary>
    public static async Task AssertConsistentAsync(this NpgsqlDataSource worker, Guid mentor, int certificationChanges = 0)
    {
        var state = await worker.StateAsync(mentor);
        var pauses = await worker.PausesAsync(mentor);
        var log = await worker.LogAsync(mentor);
        Assert.True(pauses.Count(p => p.Live) <= 1, $"{pauses.Count(p => p.Live)} live pauses");
        var replayed = "active";
        for (var i = 0; i < log.Count; i++)
        {
            Assert.Equal(replayed, log[i].PreviousStatus);
            if (certificationChanges == 0) Assert.Equal(i + 2, log[i].Version);
            replayed = log[i].NewStatus;
        }
        Assert.Equal(state.Status, replayed);
        Assert.Equal(log.Count + 1 + certificationChanges, state.Version);
        Assert.Equal(state.Status is "paused" or "pending_reactivation", pauses.Any(p => p.Live));
        Assert.Equal(log.Count, (await worker.OutboxAsync(mentor)).Count);
        Assert.Equal(log.Count, (await worker.EventsAsync(mentor)).Count);
        foreach (var p in pauses.Where(p => !p.Live))
            Assert.NotNull(p.EndedAt);
    }
}
