using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Likeperson.Bench;

/// <summary>The organisation the nightly jobs are measured on.</summary>
public sealed record JobsSpec(int Mentors, int Chapters, int AssignmentsPerMentor, int ContactsPerChapter = 20)
{
    /// <summary>Issue 7: 100,000 mentors (10,000 with an expired certification) and 1,000,000 assignments.</summary>
    public static readonly JobsSpec Full = new(100_000, 1_000, 10);

    public static readonly JobsSpec Quick = new(2_000, 20, 10, ContactsPerChapter: 5);

    public int Assignments => Mentors * AssignmentsPerMentor;
}

public sealed record JobsOrg(Guid OrganizationId, long Expired, long OpenAssignments, long Overdue, long Escalated);

/// <summary>
/// Loads the jobs organisation set-based as the owner, with triggers and foreign-key checks off for the bulk rows
/// (session_replication_role = replica; the rows are built consistent), because a million assignments through every
/// check take many minutes on a loaded two-core machine. Chapter c has two coordinators; mentor i is in chapter
/// i mod C; every tenth mentor's certification expired 1–30 days ago. Each mentor has A assignments with sequences
/// 1..A to contacts of their chapter: all but the newest three completed. Of the open and pending ones (numbered in
/// order), every tenth had its last contact 15 days ago (past the reminder threshold of 10), every thirtieth 25 days ago
/// (past the escalation threshold of 20 too), the rest 3 days ago. Every person has one device.
/// </summary>
public static class JobsData
{
    public static async Task<JobsOrg> LoadAsync(string owner, JobsSpec spec, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync();
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var org = await conn.ExecuteScalarAsync<Guid>(
                "INSERT INTO organizations (name) VALUES (@name) RETURNING id", new { name = $"Jobs bench {Guid.NewGuid():N}" }, tx);
            await conn.ExecuteAsync(LoadSql, new
            {
                org, n = spec.Mentors, c = spec.Chapters, k = spec.ContactsPerChapter, a = spec.AssignmentsPerMentor,
            }, tx, commandTimeout: 0);
            await tx.CommitAsync();
            await conn.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);
            var counts = await conn.QuerySingleAsync<(long, long, long, long)>("""
                SELECT (SELECT count(*) FROM peer_mentors WHERE organization_id = @org AND certification_expires_at < current_date),
                       count(*), count(*) FILTER (WHERE last_contact_date < now() - interval '10 days'),
                       count(*) FILTER (WHERE last_contact_date < now() - interval '20 days')
                FROM assignments WHERE organization_id = @org AND status IN ('open', 'pending')
                """, new { org }, commandTimeout: 0);
            log.WriteLine($"  loaded {spec.Mentors:N0} mentors in {spec.Chapters:N0} chapters, {spec.Assignments:N0} assignments in {clock.Elapsed.TotalSeconds:F1} s");
            return new JobsOrg(org, counts.Item1, counts.Item2, counts.Item3, counts.Item4);
        }
    }

    private const string LoadSql = """
        SET LOCAL session_replication_role = replica;
        INSERT INTO stream_state (organization_id) VALUES (@org) ON CONFLICT DO NOTHING;
        CREATE TEMP TABLE jd_chapters ON COMMIT DROP AS SELECT i, gen_random_uuid() AS id FROM generate_series(0, @c - 1) i;
        INSERT INTO chapters (id, organization_id, name) SELECT id, @org, 'Chapter ' || (i + 1) FROM jd_chapters;
        INSERT INTO people (organization_id, display_name, org_admin) VALUES (@org, 'Org Admin', true);

        CREATE TEMP TABLE jd_coordinators ON COMMIT DROP AS
          SELECT ch.i AS chapter_i, ch.id AS chapter_id, j, gen_random_uuid() AS id FROM jd_chapters ch, generate_series(0, 1) j;
        INSERT INTO people (id, organization_id, display_name)
          SELECT id, @org, format('Coordinator %s-%s', chapter_i + 1, j + 1) FROM jd_coordinators;
        INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role)
          SELECT id, chapter_id, @org, 'coordinator' FROM jd_coordinators;

        CREATE TEMP TABLE jd_mentors ON COMMIT DROP AS
          SELECT g.i, gen_random_uuid() AS id, ch.id AS chapter_id,
                 (SELECT co.id FROM jd_coordinators co WHERE co.chapter_i = ch.i AND co.j = 0) AS coordinator
          FROM generate_series(0, @n - 1) g(i) JOIN jd_chapters ch ON ch.i = g.i % @c;
        INSERT INTO people (id, organization_id, display_name) SELECT id, @org, format('Mentor %s', i + 1) FROM jd_mentors;
        INSERT INTO peer_mentors (id, organization_id, status, version, certification_expires_at)
          SELECT id, @org, 'active', 1,
                 CASE WHEN i % 10 = 0 THEN current_date - 1 - (i / 10) % 30 ELSE current_date + 30 + i % 300 END
          FROM jd_mentors;
        INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role)
          SELECT id, chapter_id, @org, 'peer_mentor' FROM jd_mentors;

        CREATE TEMP TABLE jd_contacts ON COMMIT DROP AS
          SELECT ch.i AS chapter_i, ch.id AS chapter_id, j, gen_random_uuid() AS id FROM jd_chapters ch, generate_series(0, @k - 1) j;
        INSERT INTO contacts (id, organization_id, chapter_id, display_name)
          SELECT id, @org, chapter_id, format('Contact %s-%s', chapter_i + 1, j + 1) FROM jd_contacts;

        INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, last_contact_date,
                                 mentor_assignment_sequence, created_at, updated_at, closed_at, closed_by, created_by)
        SELECT m.id, ct.id, @org, m.chapter_id, x.status,
               CASE WHEN x.status = 'completed' THEN x.created_at + interval '3 days'
                    WHEN x.open_no % 30 = 0 THEN now() - interval '25 days'
                    WHEN x.open_no % 10 = 0 THEN now() - interval '15 days'
                    ELSE now() - interval '3 days' END,
               s, x.created_at, x.created_at, CASE WHEN x.status = 'completed' THEN x.created_at + interval '30 days' END,
               CASE WHEN x.status = 'completed' THEN m.coordinator END, m.coordinator
        FROM jd_mentors m
        CROSS JOIN generate_series(1, @a) s
        JOIN jd_contacts ct ON ct.chapter_i = m.i % @c AND ct.j = (m.i + s) % @k
        CROSS JOIN LATERAL (SELECT CASE WHEN s <= @a - 3 THEN 'completed' WHEN s = @a - 1 THEN 'pending' ELSE 'open' END AS status,
                                   now() - ((@a - s) * 30 + 40) * interval '1 day' - (m.i % 24) * interval '1 hour' AS created_at,
                                   m.i * 3 + (s - (@a - 3) - 1) AS open_no) x;

        INSERT INTO devices (token, person_id, organization_id, platform)
          SELECT 'bench-' || id, id, organization_id, 'android' FROM people WHERE organization_id = @org;
        -- The measure is delivery, whatever the hour the bench runs at: no quiet hours (a real nightly run's push waits for 07:00).
        UPDATE people SET quiet_hours_enabled = false WHERE organization_id = @org;
        """;
}
