namespace Likeperson.Realtime;

/// <summary>The stream's query, checked before anything is written: a bad one is a 400 problem, never a stream.</summary>
public sealed record StreamRequest(StreamFilter Filter, long? LastEventId)
{
    public static StreamRequest Parse(string? topics, string? chapterId, string? lastEventId)
    {
        var wanted = StreamTopics.None;
        foreach (var topic in (topics ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            wanted |= topic.ToLowerInvariant() switch
            {
                "assignments" => StreamTopics.Assignments,
                "mentors" => StreamTopics.Mentors,
                "notifications" => StreamTopics.Notifications,
                _ => throw Bad("topics", $"Unknown topic '{Clip(topic)}': use assignments, mentors, notifications (comma-separated)."),
            };
        if (topics is not null && wanted == StreamTopics.None)
            throw Bad("topics", "topics may not be empty: leave it out for all topics.");
        Guid? chapter = null;
        if (chapterId is not null)
            chapter = Guid.TryParse(chapterId, out var c) && c != Guid.Empty ? c : throw Bad("chapter_id", "chapter_id must be a chapter's UUID.");
        long? last = null;
        if (lastEventId is not null)
            last = long.TryParse(lastEventId.Trim(), System.Globalization.NumberStyles.None, null, out var n)
                ? n : throw Bad("last_event_id", "Last-Event-ID must be a stream position: a non-negative integer.");
        return new StreamRequest(new StreamFilter(wanted == StreamTopics.None ? StreamTopics.All : wanted, chapter), last);
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private static ApiException Bad(string field, string message) =>
        new(400, "malformed_request", message, new Dictionary<string, string[]> { [field] = [message] });
}
