using System.Text;

namespace Likeperson.Realtime;

/// <summary>The topics a stream may ask for (`?topics=`), one per kind of event.</summary>
[Flags]
public enum StreamTopics
{
    None = 0,
    Assignments = 1,
    Mentors = 2,
    Notifications = 4,
    All = Assignments | Mentors | Notifications,
}

/// <summary>
/// One row of change_events as the fan-out holds it: what decides who sees it, and the SSE frame
/// already encoded, so an event is serialised once however many subscribers receive it.
/// </summary>
public sealed class ChangeEvent
{
    public long Position { get; }
    public string Type { get; }
    public StreamTopics Topic { get; }
    public Guid[] ChapterIds { get; }
    public Guid? MentorId { get; }
    public Guid? RecipientId { get; }
    public byte[] Frame { get; }

    public ChangeEvent(long position, string type, Guid[] chapterIds, Guid? mentorId, Guid? recipientId, string payload)
    {
        Position = position;
        Type = type;
        Topic = TopicOf(type);
        ChapterIds = chapterIds;
        MentorId = mentorId;
        RecipientId = recipientId;
        Frame = Encode(position, type, payload);
    }

    private ChangeEvent(byte[] frame)
    {
        Position = -1;
        Type = "";
        ChapterIds = [];
        Frame = frame;
    }

    /// <summary>The keep-alive comment; it carries no position and passes every filter.</summary>
    public static readonly ChangeEvent Heartbeat = new(": heartbeat\n\n"u8.ToArray());

    public bool IsHeartbeat => Position < 0;

    public static StreamTopics TopicOf(string type) => type.Split('.')[0] switch
    {
        "assignment" => StreamTopics.Assignments,
        "mentor" => StreamTopics.Mentors,
        "notification" => StreamTopics.Notifications,
        _ => StreamTopics.None,
    };

    /// <summary>
    /// `id`, `event`, `data` lines. SSE ends a line at CR, LF or CRLF only, so only those split the data into several
    /// `data:` lines (a client joins them with LF again); U+2028, U+2029, U+0085 and any other text stay inside their
    /// line. JSON from jsonb holds no raw CR or LF, so an event's JSON is always one `data:` line.
    /// </summary>
    public static byte[] Encode(long position, string type, string data)
    {
        var sb = new StringBuilder(data.Length + 48).Append("id: ").Append(position).Append("\nevent: ").Append(type).Append('\n');
        foreach (var line in data.Replace("\r\n", "\n").Split('\r', '\n'))
            sb.Append("data: ").Append(line).Append('\n');
        return Encoding.UTF8.GetBytes(sb.Append('\n').ToString());
    }

    /// <summary>The `reset` event: the position cannot be resumed from; refetch and resume from the new stream_position.</summary>
    public static byte[] Reset(string reason, long lastEventId, long prunedThrough) => Encoding.UTF8.GetBytes(
        $"event: reset\ndata: {{\"reason\":\"{reason}\",\"last_event_id\":{lastEventId},\"pruned_through\":{prunedThrough}}}\n\n");
}
