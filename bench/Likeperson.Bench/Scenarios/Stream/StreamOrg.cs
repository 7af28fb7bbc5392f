using Dapper;
using Npgsql;

namespace Likeperson.Bench.Scenarios.Stream;

/// <summary>
/// The organisation of the stream scenario: chapters each with a few coordinators, mentors with one open assignment
/// each (the rows whose updates are the changes), and org admins. Written as the owner in a handful of statements.
/// </summary>
public sealed record StreamOrg(Guid Id, Guid[] Chapters, Guid[][] Coordinators, Guid[] Admins, Guid[] Assignments, int[] AssignmentChapter)
{
    public static async Task<StreamOrg> SeedAsync(string owner, int chapters, int coordinatorsPerChapter, int admins, int assignmentsPerChapter)
    {
        var org = Guid.NewGuid();
        var chapterIds = New(chapters);
        var coordinators = Enumerable.Range(0, chapters).Select(_ => New(coordinatorsPerChapter)).ToArray();
        var adminIds = New(admins);
        var mentors = New(chapters * assignmentsPerChapter);
        var mentorChapter = Enumerable.Range(0, mentors.Length).Select(i => i / assignmentsPerChapter).ToArray();
        var contacts = New(mentors.Length);
        var assignments = New(mentors.Length);

        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO organizations (id, name) VALUES (@org, 'Stream bench');
            INSERT INTO stream_positions (organization_id) VALUES (@org);
            INSERT INTO chapters (id, organization_id, name) SELECT id, @org, 'Chapter ' || n FROM unnest(@chapterIds) WITH ORDINALITY AS c(id, n);
            INSERT INTO people (id, organization_id, display_name, org_admin)
              SELECT id, @org, 'Admin ' || n, true FROM unnest(@adminIds) WITH ORDINALITY AS a(id, n);
            INSERT INTO people (id, organization_id, display_name)
              SELECT id, @org, 'Coordinator ' || n FROM unnest(@coordinatorIds) WITH ORDINALITY AS a(id, n)
              UNION ALL SELECT id, @org, 'Mentor ' || n FROM unnest(@mentors) WITH ORDINALITY AS m(id, n);
            INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role)
              SELECT p, c, @org, 'coordinator' FROM unnest(@coordinatorIds, @coordinatorChapters) AS x(p, c)
              UNION ALL SELECT p, c, @org, 'peer_mentor' FROM unnest(@mentors, @mentorChapters) AS x(p, c);
            INSERT INTO peer_mentors (id, organization_id) SELECT id, @org FROM unnest(@mentors) AS m(id);
            INSERT INTO contacts (id, organization_id, chapter_id, display_name)
              SELECT id, @org, c, 'Contact' FROM unnest(@contacts, @mentorChapters) AS x(id, c);
            INSERT INTO assignments (id, peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence)
              SELECT a, m, c, @org, ch, 'open', 1 FROM unnest(@assignments, @mentors, @contacts, @mentorChapters) AS x(a, m, c, ch);
            """, new
        {
            org,
            chapterIds,
            adminIds,
            coordinatorIds = coordinators.SelectMany(c => c).ToArray(),
            coordinatorChapters = coordinators.SelectMany((c, i) => c.Select(_ => chapterIds[i])).ToArray(),
            mentors,
            mentorChapters = mentorChapter.Select(i => chapterIds[i]).ToArray(),
            contacts,
            assignments,
        });
        await tx.CommitAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE", conn)) await analyze.ExecuteNonQueryAsync();
        return new StreamOrg(org, chapterIds, coordinators, adminIds, assignments, mentorChapter);
    }

    private static Guid[] New(int n) => Enumerable.Range(0, n).Select(_ => Guid.NewGuid()).ToArray();
}
