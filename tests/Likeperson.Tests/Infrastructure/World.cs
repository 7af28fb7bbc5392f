using Dapper;
using Npgsql;

namespace Likeperson.Tests.Infrastructure;

/// <summary>Test data written straight into the database as the worker role: fast set-up for tests of other things.</summary>
public sealed class World(NpgsqlDataSource worker)
{
    private int _n;

    public async Task<Guid> OrganizationAsync(bool requireAck = false, int[]? honorariumThresholds = null, string timezone = "Europe/Oslo",
        bool pushIncludesReason = false)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var id = await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO organizations (name, require_reactivation_ack, honorarium_thresholds, timezone, push_includes_reason)
            VALUES (@name, @requireAck, @thresholds, @timezone, @pushIncludesReason) RETURNING id
            """, new { name = $"Org {Interlocked.Increment(ref _n)}", requireAck, thresholds = honorariumThresholds ?? [], timezone, pushIncludesReason });
        await conn.ExecuteAsync("INSERT INTO stream_positions (organization_id) VALUES (@id)", new { id });
        return id;
    }

    public async Task<Guid> ChapterAsync(Guid org)
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>("INSERT INTO chapters (organization_id, name) VALUES (@org, @name) RETURNING id",
            new { org, name = $"Chapter {Interlocked.Increment(ref _n)}" });
    }

    /// <summary>
    /// A person. Their quiet hours are off unless <paramref name="quietHours"/> (the product's default is on, 22:00 to 07:00):
    /// tests of push delivery must not depend on the hour they run at; the quiet-hours tests switch them on.
    /// </summary>
    public async Task<Guid> PersonAsync(Guid org, string name, bool orgAdmin = false, Guid[]? mentorIn = null, Guid[]? coordinatorOf = null,
        DateOnly? certificationExpiresAt = null, bool quietHours = false)
    {
        await using var conn = await worker.OpenConnectionAsync();
        var id = await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO people (organization_id, display_name, org_admin, quiet_hours_enabled) VALUES (@org, @name, @orgAdmin, @quietHours) RETURNING id
            """, new { org, name, orgAdmin, quietHours });
        foreach (var chapter in mentorIn ?? [])
            await conn.ExecuteAsync("INSERT INTO chapter_memberships VALUES (@id, @chapter, @org, 'peer_mentor')", new { id, chapter, org });
        foreach (var chapter in coordinatorOf ?? [])
            await conn.ExecuteAsync("INSERT INTO chapter_memberships VALUES (@id, @chapter, @org, 'coordinator')", new { id, chapter, org });
        if (mentorIn is { Length: > 0 })
            await conn.ExecuteAsync("INSERT INTO peer_mentors (id, organization_id, certification_expires_at) VALUES (@id, @org, @certificationExpiresAt)",
                new { id, org, certificationExpiresAt });
        return id;
    }

    public async Task<Guid> ContactAsync(Guid org, Guid chapter, string name = "Contact")
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>(
            "INSERT INTO contacts (organization_id, chapter_id, display_name) VALUES (@org, @chapter, @name) RETURNING id", new { org, chapter, name });
    }

    /// <summary>A plain row, bypassing the creation rules: for tests of reading and of table constraints.</summary>
    public async Task<Guid> AssignmentRowAsync(Guid org, Guid mentor, Guid contact, int sequence, string status = "open")
    {
        await using var conn = await worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence, closed_at)
            SELECT @mentor, id, organization_id, chapter_id, @status, @sequence, CASE WHEN @status = 'completed' THEN now() END
            FROM contacts WHERE id = @contact RETURNING id
            """, new { org, mentor, contact, sequence, status });
    }

    /// <summary>A typical organisation: chapters A and B, each with a coordinator, mentors and a contact; an org admin.</summary>
    public async Task<Org> StandardOrgAsync(bool requireAck = false, int[]? honorariumThresholds = null)
    {
        var org = await OrganizationAsync(requireAck, honorariumThresholds);
        var a = await ChapterAsync(org);
        var b = await ChapterAsync(org);
        return new Org(org, a, b,
            Admin: await PersonAsync(org, "Admin", orgAdmin: true),
            CoordinatorA: await PersonAsync(org, "Coordinator A", coordinatorOf: [a]),
            CoordinatorB: await PersonAsync(org, "Coordinator B", coordinatorOf: [b]),
            MentorA: await PersonAsync(org, "Mentor A", mentorIn: [a], certificationExpiresAt: DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1)),
            MentorA2: await PersonAsync(org, "Mentor A2", mentorIn: [a], certificationExpiresAt: DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1)),
            MentorB: await PersonAsync(org, "Mentor B", mentorIn: [b], certificationExpiresAt: DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1)),
            ContactA: await ContactAsync(org, a, "Contact A"),
            ContactB: await ContactAsync(org, b, "Contact B"));
    }
}

public sealed record Org(Guid Id, Guid ChapterA, Guid ChapterB, Guid Admin, Guid CoordinatorA, Guid CoordinatorB,
    Guid MentorA, Guid MentorA2, Guid MentorB, Guid ContactA, Guid ContactB);
