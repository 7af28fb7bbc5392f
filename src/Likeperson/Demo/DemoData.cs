using Dapper;
using Npgsql;

namespace Likeperson.Demo;

/// <summary>
/// The demo organisation the run command loads: two chapters, an org admin, two coordinators, six
/// peer mentors, contacts and assignments. Fixed ids, so the docs and the demo sign-in can name them.
/// The organisation requires acknowledgement of self-reactivation. Four mentors are not active, each
/// brought there through the real transition functions (so pause records, the status log, the outbox
/// and the change stream agree): Anne paused herself and is overdue, Lars was paused by his
/// coordinator, Sofie was auto-paused for her expired certification, Jonas waits for acknowledgement.
/// </summary>
public static class DemoData
{
    public static readonly Guid Organization = Id(1);
    public static readonly Guid Oslo = Id(11), Bergen = Id(12);

    public sealed record DemoPerson(Guid Id, string DisplayName, string Role);

    public static readonly DemoPerson[] People =
    [
        new(Id(101), "Ingrid Berg", "org admin"),
        new(Id(102), "Kari Nordmann", "coordinator, Oslo"),
        new(Id(103), "Ola Hansen", "coordinator, Bergen"),
        new(Id(201), "Per Olsen", "peer mentor, Oslo"),
        new(Id(202), "Anne Larsen", "peer mentor, Oslo (paused, overdue)"),
        new(Id(203), "Lars Johansen", "peer mentor, Oslo (paused by coordinator)"),
        new(Id(204), "Sofie Kristiansen", "peer mentor, Oslo (certification expired, auto-paused)"),
        new(Id(205), "Jonas Berg", "peer mentor, Bergen (pending reactivation)"),
        new(Id(206), "Emma Nilsen", "peer mentor, Bergen and Oslo"),
    ];

    private static Guid Id(int n) => Guid.Parse($"d0000000-0000-4000-8000-{n:D12}");

    /// <summary>Loads the demo organisation unless it is there already. Returns whether it loaded.</summary>
    public static async Task<bool> EnsureAsync(NpgsqlDataSource worker)
    {
        await using var conn = await worker.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        if (await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = @Organization)", new { Organization }))
            return false;
        await conn.ExecuteAsync("""
            INSERT INTO organizations (id, name, honorarium_thresholds, require_reactivation_ack) VALUES (@Organization, 'Likeperson demo (NHF)', '{3,15}', true);
            INSERT INTO stream_positions (organization_id) VALUES (@Organization);
            INSERT INTO chapters (id, organization_id, name) VALUES (@Oslo, @Organization, 'Oslo'), (@Bergen, @Organization, 'Bergen');
            """, new { Organization, Oslo, Bergen });
        foreach (var p in People)
            await conn.ExecuteAsync("INSERT INTO people (id, organization_id, display_name, org_admin, language) VALUES (@Id, @Organization, @DisplayName, @admin, 'nb')",
                new { p.Id, Organization, p.DisplayName, admin = p.Role == "org admin" });
        var memberships = new (int Person, Guid Chapter, string Role)[]
        {
            (102, Oslo, "coordinator"), (103, Bergen, "coordinator"),
            (201, Oslo, "peer_mentor"), (202, Oslo, "peer_mentor"), (203, Oslo, "peer_mentor"), (204, Oslo, "peer_mentor"),
            (205, Bergen, "peer_mentor"), (206, Bergen, "peer_mentor"), (206, Oslo, "peer_mentor"),
        };
        foreach (var (person, chapter, role) in memberships)
            await conn.ExecuteAsync("INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role) VALUES (@p, @chapter, @Organization, @role)",
                new { p = Id(person), chapter, Organization, role });
        var today = DateTime.UtcNow.Date;
        foreach (var mentor in memberships.Where(m => m.Role == "peer_mentor").Select(m => m.Person).Distinct())
            await conn.ExecuteAsync("INSERT INTO peer_mentors (id, organization_id, certification_expires_at) VALUES (@id, @Organization, @cert)",
                new { id = Id(mentor), Organization, cert = mentor == 204 ? today.AddDays(-1) : today.AddDays(200 + mentor) });

        string[] contactNames = ["Bjørn Aas", "Hilde Moen", "Tor Lie", "Marit Dahl", "Nils Vik", "Randi Strand", "Geir Holm", "Liv Bakke"];
        for (var i = 0; i < contactNames.Length; i++)
            await conn.ExecuteAsync("INSERT INTO contacts (id, organization_id, chapter_id, display_name) VALUES (@id, @Organization, @chapter, @name)",
                new { id = Id(301 + i), Organization, chapter = i < 5 ? Oslo : Bergen, name = contactNames[i] });
        // (mentor, contact, status, days since last contact)
        var assignments = new (int Mentor, int Contact, string Status, int? DaysSinceContact)[]
        {
            (201, 301, "open", 2), (201, 302, "pending", null), (201, 303, "open", 12), (202, 304, "open", 25),
            (202, 305, "completed", 40), (203, 301, "completed", 60), (205, 306, "open", 4), (205, 307, "pending", null),
            (206, 308, "open", 1),
        };
        var sequence = new Dictionary<int, int>();
        foreach (var (mentor, contact, status, days) in assignments)
        {
            sequence[mentor] = sequence.GetValueOrDefault(mentor) + 1;
            var created = DateTime.UtcNow.AddDays(-(days ?? 3) - 5);
            await conn.ExecuteAsync("""
                INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence,
                                         created_at, last_contact_date, closed_at, created_by, closed_by)
                SELECT @mentor, c.id, c.organization_id, c.chapter_id, @status, @seq, @created, @lastContact,
                       CASE WHEN @status = 'completed' THEN now() END, @coordinator, CASE WHEN @status = 'completed' THEN @coordinator END
                FROM contacts c WHERE c.id = @contact
                """, new
            {
                mentor = Id(mentor), contact = Id(contact), status, seq = sequence[mentor], created,
                lastContact = days is { } d ? DateTime.UtcNow.AddDays(-d) : (DateTime?)null, coordinator = Id(102),
            });
        }
        await StatusesAsync(conn);
        await tx.CommitAsync();
        return true;
    }

    /// <summary>The demo's paused and pending mentors, made by the transition functions as the people who would make them.</summary>
    private static async Task StatusesAsync(NpgsqlConnection conn)
    {
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        async Task As(int? actor, string sql, object args)
        {
            await conn.ExecuteAsync("SELECT set_config('app.person_id', @actor, true)", new { actor = actor is null ? "" : Id(actor.Value).ToString() });
            await conn.ExecuteAsync(sql, args);
        }
        // Anne paused herself three weeks ago, expected back six days ago: overdue on the roster.
        await As(202, "SELECT mentor_pause(@m, 'Recovering after surgery', @back, NULL, @at)",
            new { m = Id(202), back = today.AddDays(-6), at = now.AddDays(-20) });
        // Lars: his coordinator agreed a short break.
        await As(102, "SELECT mentor_pause(@m, 'Agreed break after a demanding follow-up', @back, NULL, @at)",
            new { m = Id(203), back = today.AddDays(4), at = now.AddDays(-3) });
        // Jonas paused himself, came back an hour ago and waits for Ola's acknowledgement.
        await As(205, "SELECT mentor_pause(@m, 'Travelling', @back, NULL, @at)", new { m = Id(205), back = today.AddDays(-1), at = now.AddDays(-12) });
        await As(205, "SELECT mentor_reactivate(@m, NULL, @at)", new { m = Id(205), at = now.AddHours(-1) });
        // Sofie: the nightly certification check paused her (the system acts: no person).
        await As(null, "SELECT mentor_certification_expire(@m, @at)", new { m = Id(204), at = now });
        await conn.ExecuteAsync("SELECT set_config('app.person_id', '', true)");
    }
}
