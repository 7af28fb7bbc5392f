using Dapper;
using Likeperson.Database;

namespace Likeperson.Organizations;

/// <summary>A contact with its chapter's name.</summary>
public sealed record ContactSummary(Guid Id, Guid ChapterId, string ChapterName, string DisplayName);

/// <summary>
/// The contacts of the caller's chapters: every chapter of the organisation for an org admin, the chapters they coordinate
/// for a coordinator, none for anyone else (a mentor's contacts of their own assignments are not a chapter's list).
/// Read under the caller's identity, so the contacts_read policy is the net. By name, paged by an opaque cursor.
/// </summary>
public static class ContactList
{
    private sealed record Cursor(string Name, Guid Id);

    public static Statement<Page<ContactSummary>> Page(Guid? chapterId, int limit, string? cursor)
    {
        var after = Paging.Decode<Cursor>(cursor);
        return new("""
            SELECT k.id, k.chapter_id, c.name AS chapter_name, k.display_name
            FROM contacts k JOIN chapters c ON c.id = k.chapter_id
            WHERE k.organization_id = (SELECT auth_org_id())
              AND ((SELECT auth_is_org_admin()) OR k.chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[]))
              AND (@chapterId::uuid IS NULL OR k.chapter_id = @chapterId)
              AND (@afterName::text IS NULL OR (k.display_name, k.id) > (@afterName, @afterId))
            ORDER BY k.display_name, k.id
            LIMIT @take
            """, new DynamicParameters(new { chapterId, afterName = after?.Name, afterId = after?.Id, take = limit + 1 }), async results =>
        {
            var rows = await results.ReadAsync<ContactSummary>();
            var more = rows.Count > limit;
            if (more) rows.RemoveAt(limit);
            return new Page<ContactSummary>(rows, more ? Paging.Encode(new Cursor(rows[^1].DisplayName, rows[^1].Id)) : null);
        });
    }
}
