using Dapper;
using Likeperson.Database;
using Likeperson.Mentors;

namespace Likeperson.Organizations;

/// <summary>One membership with its chapter's name.</summary>
public sealed record PersonMembership(Guid ChapterId, string ChapterName, ChapterRole Role);

/// <summary>
/// A person of the organisation as the set-up screens show them: memberships, org admin, and for a peer mentor their
/// status, version and certification date (null for someone who never was a peer mentor).
/// </summary>
public sealed record PersonSummary(Guid Id, string DisplayName, bool OrgAdmin, IReadOnlyList<PersonMembership> Memberships,
    MentorStatus? MentorStatus, int? MentorVersion, DateOnly? CertificationExpiresAt);

/// <summary>
/// People of the caller's organisation, read under the caller's identity: an org admin sees everyone of the organisation,
/// anyone else only whom the people_read policy shows them; another organisation's people never.
/// By name, filtered by chapter and a name search, paged by an opaque cursor.
/// </summary>
public static class PeopleList
{
    private const string Select = """
        SELECT p.id, p.display_name, p.org_admin, pm.status AS mentor_status, pm.version AS mentor_version, pm.certification_expires_at,
               coalesce(array_agg(m.chapter_id ORDER BY c.name, m.role) FILTER (WHERE m.chapter_id IS NOT NULL), '{}') AS chapter_ids,
               coalesce(array_agg(c.name ORDER BY c.name, m.role) FILTER (WHERE m.chapter_id IS NOT NULL), '{}') AS chapter_names,
               coalesce(array_agg(m.role ORDER BY c.name, m.role) FILTER (WHERE m.chapter_id IS NOT NULL), '{}') AS roles
        FROM people p
        LEFT JOIN peer_mentors pm ON pm.id = p.id
        LEFT JOIN chapter_memberships m ON m.person_id = p.id
        LEFT JOIN chapters c ON c.id = m.chapter_id
        WHERE p.organization_id = (SELECT auth_org_id())
        """;

    private sealed record Cursor(string Name, Guid Id);

    /// <summary>One page of people by name; <paramref name="search"/> matches any part of the name, case-insensitively.</summary>
    public static Statement<Page<PersonSummary>> Page(Guid? chapterId, string? search, int limit, string? cursor)
    {
        var after = Paging.Decode<Cursor>(cursor);
        var like = Validation.Clean(search) is { } s ? "%" + s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%" : null;
        return new($"""
            {Select}
              AND (@chapterId::uuid IS NULL OR EXISTS (SELECT 1 FROM chapter_memberships f WHERE f.person_id = p.id AND f.chapter_id = @chapterId))
              AND (@like::text IS NULL OR p.display_name ILIKE @like)
              AND (@afterName::text IS NULL OR (p.display_name, p.id) > (@afterName, @afterId))
            GROUP BY p.id, pm.id
            ORDER BY p.display_name, p.id
            LIMIT @take
            """, new DynamicParameters(new { chapterId, like, afterName = after?.Name, afterId = after?.Id, take = limit + 1 }), async results =>
        {
            var rows = (await results.ReadAsync<Row>()).Select(r => r.ToSummary()).ToList();
            var more = rows.Count > limit;
            if (more) rows.RemoveAt(limit);
            return new Page<PersonSummary>(rows, more ? Paging.Encode(new Cursor(rows[^1].DisplayName, rows[^1].Id)) : null);
        });
    }

    /// <summary>One person of the caller's organisation (null when not visible to the caller).</summary>
    public static Statement<PersonSummary?> One(Guid personId) => new($"""
        {Select} AND p.id = @personId
        GROUP BY p.id, pm.id
        """, new DynamicParameters(new { personId }), async results => (await results.ReadSingleOrDefaultAsync<Row>())?.ToSummary());

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public bool OrgAdmin { get; init; }
        public string? MentorStatus { get; init; }
        public int? MentorVersion { get; init; }
        public DateOnly? CertificationExpiresAt { get; init; }
        public Guid[] ChapterIds { get; init; } = [];
        public string[] ChapterNames { get; init; } = [];
        public string[] Roles { get; init; } = [];

        public PersonSummary ToSummary() => new(Id, DisplayName, OrgAdmin,
            ChapterIds.Select((c, i) => new PersonMembership(c, ChapterNames[i], SnakeCase.Parse<ChapterRole>(Roles[i]))).ToList(),
            MentorStatus is null ? null : SnakeCase.Parse<Mentors.MentorStatus>(MentorStatus), MentorVersion, CertificationExpiresAt);
    }
}
