using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Likeperson.Bench;

/// <summary>The size of a realistic organisation.</summary>
public sealed record OrgSpec(int Mentors, int Chapters, int Paused, int Assignments, int ContactsPerChapter = 20,
    int CoordinatorsPerChapter = 2)
{
    /// <summary>The organisation of issues 3 and 4: 10,000 mentors in 100 chapters, 2,000 paused, 200,000 assignments.</summary>
    public static readonly OrgSpec Realistic = new(10_000, 100, 2_000, 200_000);

    public static readonly OrgSpec QuickOrg = new(200, 4, 40, 2_000, ContactsPerChapter: 5);
}

public sealed record LoadedChapter(Guid Id, Guid[] Coordinators, Guid[] Mentors, Guid[] PausedMentors, Guid[] Contacts);

public sealed record LoadedOrg(Guid OrganizationId, Guid AdminId, IReadOnlyList<LoadedChapter> Chapters, OrgSpec Spec)
{
    public IEnumerable<Guid> Mentors => Chapters.SelectMany(c => c.Mentors);
}

/// <summary>
/// Loads a realistic organisation in bulk, as the owner (set-based INSERT ... SELECT over generate_series, so 200,000
/// assignments take seconds, not the hours the API would). Mentor i is in chapter i mod C; the first P mentors are
/// paused (so every chapter has its share), with a live pause record and the log row their pause would have written;
/// each mentor has A/N assignments with sequences 1, 2, ..., the older ones completed, the newest pending or open.
/// </summary>
public static class OrgLoader
{
    public static async Task<LoadedOrg> LoadAsync(string ownerConnectionString, OrgSpec spec, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(ownerConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var args = new
        {
            name = $"Bench organisation {Guid.NewGuid():N}",
            n = spec.Mentors, c = spec.Chapters, p = spec.Paused, a = spec.Assignments,
            k = spec.ContactsPerChapter, q = spec.CoordinatorsPerChapter,
        };
        var orgId = await conn.ExecuteScalarAsync<Guid>(LoadSql, args, tx, commandTimeout: 600);
        var chapters = (await conn.QueryAsync<(int I, Guid Id)>("SELECT i, id FROM bench_chapters ORDER BY i", transaction: tx)).ToList();
        var coordinators = (await conn.QueryAsync<(int I, Guid Id)>("SELECT chapter_i, id FROM bench_coordinators ORDER BY chapter_i, j", transaction: tx)).ToLookup(r => r.I, r => r.Id);
        var mentors = (await conn.QueryAsync<(int I, Guid Id, bool Paused)>("SELECT i % @c, id, paused FROM bench_mentors ORDER BY i", new { c = spec.Chapters }, tx)).ToList();
        var contacts = (await conn.QueryAsync<(int I, Guid Id)>("SELECT chapter_i, id FROM bench_contacts ORDER BY chapter_i, j", transaction: tx)).ToLookup(r => r.I, r => r.Id);
        var admin = await conn.ExecuteScalarAsync<Guid>("SELECT id FROM people WHERE organization_id = @orgId AND org_admin", new { orgId }, tx);
        await conn.ExecuteAsync("DROP TABLE bench_org, bench_chapters, bench_coordinators, bench_mentors, bench_contacts", transaction: tx);
        await tx.CommitAsync();
        await conn.ExecuteAsync("ANALYZE", commandTimeout: 600, commandType: System.Data.CommandType.Text); // no space: Dapper would CALL it

        var loaded = chapters.Select(ch => new LoadedChapter(ch.Id, coordinators[ch.I].ToArray(),
            mentors.Where(m => m.I == ch.I).Select(m => m.Id).ToArray(),
            mentors.Where(m => m.I == ch.I && m.Paused).Select(m => m.Id).ToArray(),
            contacts[ch.I].ToArray())).ToList();
        log.WriteLine($"  loaded {spec.Mentors} mentors in {spec.Chapters} chapters ({spec.Paused} paused), {spec.Assignments} assignments in {clock.Elapsed.TotalSeconds:F1} s");
        return new LoadedOrg(orgId, admin, loaded, spec);
    }

    private const string LoadSql = """
        CREATE TEMP TABLE bench_org (id uuid);
        WITH o AS (INSERT INTO organizations (name, honorarium_thresholds) VALUES (@name, '{3,15}') RETURNING id)
        INSERT INTO bench_org SELECT id FROM o;
        CREATE TEMP TABLE bench_chapters AS SELECT i, gen_random_uuid() AS id FROM generate_series(0, @c - 1) i;
        INSERT INTO chapters (id, organization_id, name) SELECT ch.id, o.id, 'Chapter ' || (ch.i + 1) FROM bench_chapters ch, bench_org o;

        INSERT INTO people (organization_id, display_name, org_admin) SELECT id, 'Org Admin', true FROM bench_org;

        CREATE TEMP TABLE bench_coordinators AS
          SELECT ch.i AS chapter_i, ch.id AS chapter_id, j, gen_random_uuid() AS id FROM bench_chapters ch, generate_series(0, @q - 1) j;
        INSERT INTO people (id, organization_id, display_name)
          SELECT co.id, o.id, format('Coordinator %s-%s', co.chapter_i + 1, co.j + 1) FROM bench_coordinators co, bench_org o;
        INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role)
          SELECT co.id, co.chapter_id, o.id, 'coordinator' FROM bench_coordinators co, bench_org o;

        CREATE TEMP TABLE bench_mentors AS
          SELECT g.i, gen_random_uuid() AS id, ch.id AS chapter_id, g.i < @p AS paused
          FROM generate_series(0, @n - 1) g(i) JOIN bench_chapters ch ON ch.i = g.i % @c;
        CREATE INDEX ON bench_mentors (i);
        INSERT INTO people (id, organization_id, display_name) SELECT m.id, o.id, format('Mentor %s', m.i + 1) FROM bench_mentors m, bench_org o;
        INSERT INTO peer_mentors (id, organization_id, status, version, certification_expires_at)
          SELECT m.id, o.id, CASE WHEN m.paused THEN 'paused' ELSE 'active' END, CASE WHEN m.paused THEN 2 ELSE 1 END,
                 current_date + 365 + m.i % 300
          FROM bench_mentors m, bench_org o;
        INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role)
          SELECT m.id, m.chapter_id, o.id, 'peer_mentor' FROM bench_mentors m, bench_org o;

        -- The live pauses: mostly by a coordinator, some voluntary, some certification pauses; a third overdue.
        WITH paused AS (
          SELECT m.*, o.id AS org, now() - ((m.i * 7919) % (120 * 24)) * interval '1 hour' AS paused_at,
                 CASE m.i % 10 WHEN 0 THEN 'certification_expired' WHEN 1 THEN 'voluntary' WHEN 2 THEN 'voluntary' ELSE 'coordinator' END AS kind,
                 (SELECT co.id FROM bench_coordinators co WHERE co.chapter_id = m.chapter_id AND co.j = 0) AS coordinator
          FROM bench_mentors m, bench_org o WHERE m.paused),
        records AS (
          INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, expected_return_date, paused_at,
                                     coordinator_id, created_at)
          SELECT id, org, CASE WHEN kind = 'certification_expired' THEN 'expired_cert' ELSE 'paused' END, kind,
                 CASE WHEN kind = 'certification_expired' THEN 'certification_expired' WHEN i % 2 = 0 THEN 'Travelling' END,
                 CASE WHEN kind = 'certification_expired' OR i % 3 = 0 THEN NULL
                      WHEN i % 3 = 1 THEN current_date - 1 - i % 30 ELSE current_date + 1 + i % 60 END,
                 paused_at, CASE WHEN kind = 'coordinator' THEN coordinator END, paused_at
          FROM paused
          RETURNING id, mentor_id, organization_id, kind, pause_reason, paused_at, coordinator_id)
        INSERT INTO mentor_status_log (organization_id, mentor_id, transition, previous_status, new_status, version, kind, reason,
                                       actor_id, pause_id, occurred_at)
        SELECT organization_id, mentor_id, CASE WHEN kind = 'certification_expired' THEN 'certification_expiry' ELSE 'pause' END,
               'active', 'paused', 2, kind, pause_reason, coordinator_id, id, paused_at
        FROM records;

        CREATE TEMP TABLE bench_contacts AS
          SELECT ch.i AS chapter_i, ch.id AS chapter_id, j, gen_random_uuid() AS id FROM bench_chapters ch, generate_series(0, @k - 1) j;
        INSERT INTO contacts (id, organization_id, chapter_id, display_name)
          SELECT ct.id, o.id, ct.chapter_id, format('Contact %s-%s', ct.chapter_i + 1, ct.j + 1) FROM bench_contacts ct, bench_org o;
        CREATE INDEX ON bench_contacts (chapter_i, j);

        -- Assignment g goes to mentor g mod N as that mentor's sequence g / N + 1, created 5 minutes after g - 1 (so
        -- 200,000 span about two years); all but each mentor's newest three are completed.
        INSERT INTO assignments (peer_mentor_id, contact_id, organization_id, chapter_id, status, last_contact_date,
                                 mentor_assignment_sequence, created_at, updated_at, closed_at, closed_by, created_by)
        SELECT m.id, ct.id, o.id, m.chapter_id, s.status,
               CASE WHEN g % 4 <> 0 THEN least(t.created_at + interval '3 days', now()) END, g / @n + 1, t.created_at, t.created_at,
               CASE WHEN s.status = 'completed' THEN t.created_at + interval '30 days' END,
               CASE WHEN s.status = 'completed' THEN co.id END, co.id
        FROM generate_series(0, @a - 1) g
        CROSS JOIN bench_org o
        JOIN bench_mentors m ON m.i = g % @n
        JOIN bench_contacts ct ON ct.chapter_i = m.i % @c AND ct.j = (g / @n) % @k
        JOIN bench_coordinators co ON co.chapter_id = m.chapter_id AND co.j = 0
        CROSS JOIN LATERAL (SELECT now() - (@a - g) * interval '5 minutes' AS created_at) t
        CROSS JOIN LATERAL (SELECT CASE WHEN g / @n + 1 <= (@a - 1 - g % @n) / @n + 1 - 3 THEN 'completed'
                                        WHEN g / @n + 1 = (@a - 1 - g % @n) / @n + 1 - 2 THEN 'pending'
                                        ELSE 'open' END AS status) s;

        SELECT id FROM bench_org;
        """;
}
