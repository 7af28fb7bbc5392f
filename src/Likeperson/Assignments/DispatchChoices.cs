using Dapper;
using Likeperson.Database;

namespace Likeperson.Assignments;

/// <summary>A mentor the caller may dispatch to, with the open and pending assignments the caller can see.</summary>
public sealed record DispatchMentor(Guid Id, string DisplayName, string Status, int OpenCount);

public sealed record DispatchContact(Guid Id, string DisplayName, Guid ChapterId);

public sealed record DispatchChapter(Guid Id, string Name);

/// <summary>An assignment just created, as the dispatch confirmation lists it.</summary>
public sealed record DispatchedAssignment(Guid Id, string? MentorName, string? ContactName, string Status, int MentorAssignmentSequence);

public sealed record DispatchChoicesResult(IReadOnlyList<DispatchMentor> Mentors, IReadOnlyList<DispatchContact> Contacts,
    IReadOnlyList<DispatchChapter> Chapters, IReadOnlyList<DispatchedAssignment> Created);

/// <summary>
/// What the dispatch page offers, in one statement batch (sent with the page's frame): the ACTIVE mentors the caller
/// supervises (an org admin: the organisation's; a coordinator: those of the chapters they coordinate, as
/// assignment_create decides) with their count of open and pending assignments in the caller's scope; the contacts of
/// the caller's chapters; those chapters (for the filter); and the assignments just created, for the confirmation.
/// Mentors and contacts a refused form named stay listed (<paramref name="typedMentors"/>, with their status), so what
/// was chosen is kept even when that mentor was paused meanwhile. Row-level security applies to all of it.
/// </summary>
public static class DispatchChoices
{
    public static Statement<DispatchChoicesResult> Read(Guid? chapterId, Guid[] typedMentors, Guid[] typedContacts, Guid[] created) => new("""
        SELECT p.id, p.display_name, m.status,
               (SELECT count(*)::int FROM assignments a WHERE a.peer_mentor_id = m.id AND a.status IN ('open', 'pending')) AS open_count
        FROM peer_mentors m JOIN people p ON p.id = m.id
        WHERE ((SELECT auth_is_org_admin()) OR m.id = ANY ((SELECT auth_coordinated_mentors())::uuid[]))
          AND ((m.status = 'active' AND (@dispatch_chapter::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM chapter_memberships cm WHERE cm.person_id = m.id AND cm.role = 'peer_mentor' AND cm.chapter_id = @dispatch_chapter)))
               OR m.id = ANY (@dispatch_mentors))
        ORDER BY p.display_name, p.id;
        SELECT c.id, c.display_name, c.chapter_id FROM contacts c
        WHERE ((SELECT auth_is_org_admin()) OR c.chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[]))
          AND (@dispatch_chapter::uuid IS NULL OR c.chapter_id = @dispatch_chapter OR c.id = ANY (@dispatch_contacts))
        ORDER BY c.display_name, c.id;
        SELECT ch.id, ch.name FROM chapters ch
        WHERE (SELECT auth_is_org_admin()) OR ch.id = ANY ((SELECT auth_coordinated_chapters())::uuid[])
        ORDER BY ch.name, ch.id;
        SELECT a.id, p.display_name AS mentor_name, c.display_name AS contact_name, a.status, a.mentor_assignment_sequence
        FROM unnest(@dispatch_created::uuid[]) WITH ORDINALITY AS k(id, n)
        JOIN assignments a ON a.id = k.id
        LEFT JOIN people p ON p.id = a.peer_mentor_id LEFT JOIN contacts c ON c.id = a.contact_id
        ORDER BY k.n
        """,
        new DynamicParameters(new
        {
            dispatch_chapter = chapterId, dispatch_mentors = typedMentors, dispatch_contacts = typedContacts, dispatch_created = created,
        }),
        async results => new DispatchChoicesResult(await results.ReadAsync<DispatchMentor>(), await results.ReadAsync<DispatchContact>(),
            await results.ReadAsync<DispatchChapter>(), await results.ReadAsync<DispatchedAssignment>()));
}
