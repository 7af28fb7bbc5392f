using Dapper;
using Likeperson.Database;

namespace Likeperson.Organizations;

/// <summary>A chapter with how many peer mentors and coordinators it has.</summary>
public sealed record ChapterSummary(Guid Id, string Name, int Mentors, int Coordinators);

/// <summary>Reads of the caller's chapters, as statements a page sends with its frame (RLS decides what is visible).</summary>
public static class ChapterList
{
    /// <summary>The caller's organisation's chapters by name, with their member counts.</summary>
    public static Statement<List<ChapterSummary>> WithCounts() => new("""
        SELECT c.id, c.name,
               (count(*) FILTER (WHERE m.role = 'peer_mentor'))::int AS mentors,
               (count(*) FILTER (WHERE m.role = 'coordinator'))::int AS coordinators
        FROM chapters c LEFT JOIN chapter_memberships m ON m.chapter_id = c.id
        WHERE c.organization_id = (SELECT auth_org_id())
        GROUP BY c.id, c.name ORDER BY c.name, c.id
        """, new DynamicParameters(), results => results.ReadAsync<ChapterSummary>());

    /// <summary>The chapters the caller may add contacts to: all of the organisation for an org admin, else those they coordinate.</summary>
    public static Statement<List<ChapterResponse>> ForContacts() => new("""
        SELECT id, organization_id, name FROM chapters
        WHERE organization_id = (SELECT auth_org_id())
          AND ((SELECT auth_is_org_admin()) OR id = ANY ((SELECT auth_coordinated_chapters())::uuid[]))
        ORDER BY name, id
        """, new DynamicParameters(), results => results.ReadAsync<ChapterResponse>());
}
