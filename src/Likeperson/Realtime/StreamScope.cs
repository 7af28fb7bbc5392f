namespace Likeperson.Realtime;

/// <summary>
/// Who may see which event, as of one scope epoch of the organisation (the same rule as the
/// change_events RLS policy): a notification only its recipient; anything else the org admins,
/// the mentor it concerns, and the coordinators of any of its chapters.
/// </summary>
public sealed record StreamScope(Guid PersonId, bool OrgAdmin, Guid[] CoordinatedChapters, long Epoch)
{
    public bool Sees(ChangeEvent e)
    {
        if (e.RecipientId is { } recipient) return recipient == PersonId;
        if (OrgAdmin || e.MentorId == PersonId) return true;
        foreach (var chapter in e.ChapterIds)
            if (Array.IndexOf(CoordinatedChapters, chapter) >= 0) return true;
        return false;
    }
}

/// <summary>
/// What a stream asked for (`topics`, `chapter_id`). The chapter narrows assignment and mentor
/// events; notifications belong to a person, not a chapter, so only `topics` selects them.
/// </summary>
public sealed record StreamFilter(StreamTopics Topics, Guid? ChapterId)
{
    public bool Wants(ChangeEvent e) =>
        (Topics & e.Topic) != 0
        && (ChapterId is not { } chapter || e.RecipientId is not null || Array.IndexOf(e.ChapterIds, chapter) >= 0);
}
