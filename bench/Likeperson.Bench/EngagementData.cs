using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Likeperson.Bench;

/// <summary>The organisation the engagement report is measured on: mentors with a year of history.</summary>
public sealed record EngagementSpec(int Mentors, int Chapters)
{
    /// <summary>Issue 18: 10,000 mentors × one year.</summary>
    public static readonly EngagementSpec Full = new(10_000, 100);

    public static readonly EngagementSpec Quick = new(500, 10);
}

public sealed record EngagementOrg(Guid OrganizationId, Guid Admin, Guid Coordinator, Guid Chapter, long Pauses, long StatusLog, long Assignments, long Activities);

/// <summary>
/// Loads a year of history set-based as the owner (triggers and foreign-key checks off for the bulk rows, which are built
/// consistent). Every mentor joined 400 days ago, paused voluntarily for 5–24 days about 300 days ago and was paused by a
/// coordinator for 10–24 days about 150 days ago, each pause with its pause and reactivate status-log rows; every tenth
/// lost their certification 60 days ago for a week (renewed on the sixth day); every twentieth is on a live pause since
/// five days ago. Eight assignments each over the year (half completed), two activities per assignment.
/// </summary>
public static class EngagementData
{
    public static async Task<EngagementOrg> LoadAsync(string owner, EngagementSpec spec, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync();
        Guid org;
        await using (var tx = await conn.BeginTransactionAsync())
        {
            org = await conn.ExecuteScalarAsync<Guid>(
                "INSERT INTO organizations (name) VALUES (@name) RETURNING id", new { name = $"Engagement bench {Guid.NewGuid():N}" }, tx);
            await conn.ExecuteAsync(LoadSql, new { org, n = spec.Mentors, c = spec.Chapters }, tx, commandTimeout: 0);
            await tx.CommitAsync();
        }
        await conn.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);
        var o = await conn.QuerySingleAsync<EngagementOrg>("""
            SELECT @org AS OrganizationId,
                   (SELECT id FROM people WHERE organization_id = @org AND org_admin) AS Admin,
                   (SELECT person_id FROM chapter_memberships WHERE organization_id = @org AND role = 'coordinator' ORDER BY person_id LIMIT 1) AS Coordinator,
                   (SELECT chapter_id FROM chapter_memberships WHERE organization_id = @org AND role = 'coordinator' ORDER BY person_id LIMIT 1) AS Chapter,
                   (SELECT count(*) FROM pause_records WHERE organization_id = @org) AS Pauses,
                   (SELECT count(*) FROM mentor_status_log WHERE organization_id = @org) AS StatusLog,
                   (SELECT count(*) FROM assignments WHERE organization_id = @org) AS Assignments,
                   (SELECT count(*) FROM assignment_activities WHERE organization_id = @org) AS Activities
            """, new { org });
        log.WriteLine($"  loaded {spec.Mentors:N0} mentors, {o.Pauses:N0} pauses, {o.StatusLog:N0} status-log rows, {o.Assignments:N0} assignments, " +
                      $"{o.Activities:N0} activities in {clock.Elapsed.TotalSeconds:F1} s");
        return o;
    }

    private const string LoadSql = """
        SET LOCAL session_replication_role = replica;
        INSERT INTO stream_state (organization_id) VALUES (@org) ON CONFLICT DO NOTHING;
        CREATE TEMP TABLE ed_chapters ON COMMIT DROP AS SELECT i, gen_random_uuid() AS id FROM generate_series(0, @c - 1) i;
        INSERT INTO chapters (id, organization_id, name) SELECT id, @org, 'Chapter ' || (i + 1) FROM ed_chapters;
        INSERT INTO people (organization_id, display_name, org_admin) VALUES (@org, 'Org Admin', true);
        CREATE TEMP TABLE ed_coordinators ON COMMIT DROP AS SELECT i AS chapter_i, id AS chapter_id, gen_random_uuid() AS id FROM ed_chapters;
        INSERT INTO people (id, organization_id, display_name) SELECT id, @org, format('Coordinator %s', chapter_i + 1) FROM ed_coordinators;
        INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role) SELECT id, chapter_id, @org, 'coordinator' FROM ed_coordinators;

        CREATE TEMP TABLE ed_mentors ON COMMIT DROP AS
          SELECT g.i, gen_random_uuid() AS id, ch.id AS chapter_id, co.id AS coordinator
          FROM generate_series(0, @n - 1) g(i) JOIN ed_chapters ch ON ch.i = g.i % @c JOIN ed_coordinators co ON co.chapter_i = ch.i;
        INSERT INTO people (id, organization_id, display_name) SELECT id, @org, format('Mentor %s', i + 1) FROM ed_mentors;
        INSERT INTO peer_mentors (id, organization_id, status, version, certification_expires_at, created_at)
          SELECT id, @org, CASE WHEN i % 20 = 0 THEN 'paused' ELSE 'active' END, 1, current_date + 200, now() - interval '400 days' FROM ed_mentors;
        INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role) SELECT id, chapter_id, @org, 'peer_mentor' FROM ed_mentors;

        CREATE TEMP TABLE ed_pauses ON COMMIT DROP AS
          SELECT gen_random_uuid() AS id, m.id AS mentor_id, m.coordinator, p.kind, p.since, p.until, p.n
          FROM ed_mentors m CROSS JOIN LATERAL (VALUES
            (1, 'voluntary', now() - (300 - m.i % 50) * interval '1 day', now() - (300 - m.i % 50 - 5 - m.i % 20) * interval '1 day'),
            (2, 'coordinator', now() - (150 - m.i % 40) * interval '1 day', now() - (150 - m.i % 40 - 10 - m.i % 15) * interval '1 day'),
            (3, 'certification_expired', now() - interval '60 days', now() - interval '53 days'),
            (4, 'voluntary', now() - interval '5 days', NULL)) p(n, kind, since, until)
          WHERE p.n <= 2 OR (p.n = 3 AND m.i % 10 = 0) OR (p.n = 4 AND m.i % 20 = 0);
        INSERT INTO pause_records (id, mentor_id, organization_id, status, kind, pause_reason, paused_at, reactivated_at, ended_at, coordinator_id, created_at)
          SELECT id, mentor_id, @org, CASE WHEN until IS NOT NULL THEN 'active' ELSE 'paused' END, kind,
                 CASE WHEN kind = 'certification_expired' THEN 'certification_expired' END, since, until, until,
                 CASE WHEN kind = 'coordinator' THEN coordinator END, since
          FROM ed_pauses;
        INSERT INTO mentor_status_log (organization_id, mentor_id, transition, previous_status, new_status, version, kind, actor_id, pause_id, occurred_at)
          SELECT @org, mentor_id, e.transition, e.previous, e.next, 1 + 2 * n + e.step, kind,
                 CASE WHEN kind = 'voluntary' THEN mentor_id WHEN kind = 'coordinator' THEN coordinator END, id, e.at
          FROM ed_pauses CROSS JOIN LATERAL (VALUES
            (0, CASE WHEN kind = 'certification_expired' THEN 'certification_expiry' ELSE 'pause' END, 'active', 'paused', since),
            (1, 'reactivate', 'paused', 'active', until)) e(step, transition, previous, next, at)
          WHERE e.at IS NOT NULL
          ORDER BY e.at;
        INSERT INTO certification_changes (mentor_id, organization_id, previous_expires_at, expires_at, changed_at)
          SELECT mentor_id, @org, (now() - interval '61 days')::date, current_date + 200, now() - interval '54 days'
          FROM ed_pauses WHERE kind = 'certification_expired';

        CREATE TEMP TABLE ed_contacts ON COMMIT DROP AS SELECT ch.i AS chapter_i, ch.id AS chapter_id, j, gen_random_uuid() AS id
          FROM ed_chapters ch, generate_series(0, 9) j;
        INSERT INTO contacts (id, organization_id, chapter_id, display_name)
          SELECT id, @org, chapter_id, format('Contact %s-%s', chapter_i + 1, j + 1) FROM ed_contacts;
        CREATE TEMP TABLE ed_assignments ON COMMIT DROP AS
          SELECT gen_random_uuid() AS id, m.id AS mentor_id, m.coordinator, ct.id AS contact_id, m.chapter_id, s,
                 now() - (360 - s * 40 - m.i % 30) * interval '1 day' AS created_at
          FROM ed_mentors m CROSS JOIN generate_series(1, 8) s JOIN ed_contacts ct ON ct.chapter_i = m.i % @c AND ct.j = (m.i + s) % 10;
        INSERT INTO assignments (id, peer_mentor_id, contact_id, organization_id, chapter_id, status, last_contact_date,
                                 mentor_assignment_sequence, created_at, updated_at, closed_at, closed_by, created_by)
          SELECT id, mentor_id, contact_id, @org, chapter_id, CASE WHEN s <= 4 THEN 'completed' ELSE 'open' END,
                 created_at + interval '7 days', s, created_at, created_at,
                 CASE WHEN s <= 4 THEN created_at + interval '30 days' END, CASE WHEN s <= 4 THEN coordinator END, coordinator
          FROM ed_assignments;
        INSERT INTO assignment_activities (assignment_id, organization_id, occurred_at, kind, recorded_by, created_at)
          SELECT a.id, @org, a.created_at + k * interval '3 days', 'contact', a.mentor_id, a.created_at + k * interval '3 days'
          FROM ed_assignments a CROSS JOIN generate_series(1, 2) k;
        """;
}
