using Likeperson.Database;
using Likeperson.Notifications;

namespace Likeperson.Web;

/// <summary>
/// The signed-in person as every page's frame needs them, read from the database on each request: the roles that decide
/// the navigation, the unread count of the badge, and the organisation's stream head (the position a page read after the
/// frame is at least as new as: a page resumes its event stream from it, so nothing committed after the read is missed). Null (no row) when the person no longer exists or this session was signed out: the session ends.
/// </summary>
/// <see cref="CertificationWarningWindow"/>: how many days ahead of a certification's expiry the organisation warns (SQL
/// certification_warning_window of its certification_warning_days; null when it sets none), for /my and the mentor page.
public sealed record Viewer(Guid Id, string DisplayName, bool OrgAdmin, bool Coordinator, bool PeerMentor, int UnreadCount, long StreamHead,
    int? CertificationWarningWindow)
{
    public bool Supervises => OrgAdmin || Coordinator;

    /// <summary>One statement; a page sends it in the same round trip as its own read (AppPage.ReadAsync).</summary>
    public static Statement<Viewer?> Read(Guid? session) => new($"""
        SELECT p.id, p.display_name, p.org_admin,
               EXISTS (SELECT 1 FROM chapter_memberships m WHERE m.person_id = p.id AND m.role = 'coordinator') AS coordinator,
               EXISTS (SELECT 1 FROM chapter_memberships m WHERE m.person_id = p.id AND m.role = 'peer_mentor') AS peer_mentor,
               (SELECT count(*)::int FROM notifications n WHERE n.recipient_id = p.id AND {NotificationsApi.UnreadSql}) AS unread_count,
               coalesce((SELECT s.last_position FROM stream_positions s WHERE s.organization_id = p.organization_id), 0) AS stream_head,
               (SELECT certification_warning_window(o.certification_warning_days) FROM organizations o
                WHERE o.id = p.organization_id) AS certification_warning_window
        FROM people p WHERE p.id = current_person_id() AND NOT web_session_ended(@lp_session)
        """, new Dapper.DynamicParameters(new { lp_session = session }), async results => (await results.ReadAsync<Viewer>()).FirstOrDefault());
}
