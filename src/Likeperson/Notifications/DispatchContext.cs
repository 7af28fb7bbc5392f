using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Notifications;

/// <summary>An outbox row with its payload read and its plan decided (what it needs from the database to be drafted).</summary>
public sealed record PlannedRow(OutboxRow Row, OutboxPayload Payload, DispatchPlan Plan)
{
    /// <summary>Throws (JsonException) for a payload or kind that cannot be dispatched.</summary>
    public static PlannedRow Of(OutboxRow row)
    {
        var p = OutboxPayload.Parse(row.Payload);
        return new(row, p, DispatchPlan.For(row.Kind, p));
    }
}

/// <summary>
/// The organisation's facts for one outbox row, as of dispatch time, and the row's time as SQL wrote it: the payload's
/// occurred_at (else the row's created_at) as SQL formats every time (rfc3339), and its date in the organisation's time zone. The
/// mentor's name and the pause length come from the payload, written by the transition.
/// </summary>
public sealed class ContextRow
{
    public long OutboxId { get; init; }
    public bool PushIncludesReason { get; init; }
    public DateOnly LocalDate { get; init; }
    public string TimestampUtc { get; init; } = "";
}

/// <summary>One person to tell about one outbox row, with their preference for its type.</summary>
public sealed class RecipientRow
{
    public long OutboxId { get; init; }
    public Guid PersonId { get; init; }
    public string Via { get; init; } = "";
    public bool Enabled { get; init; }
    public string Channels { get; init; } = "both";
    public string Mode { get; init; } = "immediate";

    /// <summary>The language the person reads notifications in (people.language, English when they never chose).</summary>
    public string Language { get; init; } = Words.Default;

    /// <summary>The person has a browser subscribed to Web Push (so push can reach them without FCM).</summary>
    public bool WebPush { get; init; }
}

/// <summary>
/// Reads, for a whole claimed batch in one round trip, each row's context and its recipients
/// resolved now (notification_audiences: the coordinators, else the org admins; and the mentor when
/// the plan tells them), with each recipient's preference for the type they would get.
/// </summary>
public static class DispatchContext
{
    private const string Sql = """
        SELECT ob.id AS outbox_id, o.push_includes_reason, (t.occurred AT TIME ZONE o.timezone)::date AS local_date,
               rfc3339(t.occurred) AS timestamp_utc
        FROM outbox ob
        CROSS JOIN LATERAL (SELECT coalesce((ob.payload->>'occurred_at')::timestamptz, ob.created_at) AS occurred) t
        JOIN organizations o ON o.id = ob.organization_id
        WHERE ob.id = ANY(@ids::bigint[]);
        SELECT a.key AS outbox_id, a.person_id, a.via, coalesce(np.enabled, true) AS enabled,
               coalesce(np.channels, 'both') AS channels, coalesce(np.mode, 'immediate') AS mode,
               coalesce(person.language, 'en') AS language,
               EXISTS (SELECT 1 FROM web_push_subscriptions w WHERE w.person_id = a.person_id) AS web_push
        FROM notification_audiences(@audienceIds::bigint[], @audienceOrgs::uuid[], @audienceMentors::uuid[], @audienceChapters::uuid[]) a
        JOIN unnest(@ids::bigint[], @audienceTypes::text[]) AS r(id, type) ON r.id = a.key
        JOIN people person ON person.id = a.person_id
        LEFT JOIN notification_preferences np ON np.person_id = a.person_id AND np.type = r.type
        UNION ALL
        SELECT r.id, p.id, 'mentor', coalesce(np.enabled, true), coalesce(np.channels, 'both'), coalesce(np.mode, 'immediate'),
               coalesce(p.language, 'en'), EXISTS (SELECT 1 FROM web_push_subscriptions w WHERE w.person_id = p.id)
        FROM unnest(@ids::bigint[], @orgs::uuid[], @mentors::uuid[], @mentorTypes::text[]) AS r(id, org, mentor, type)
        JOIN people p ON p.id = r.mentor AND p.organization_id = r.org
        LEFT JOIN notification_preferences np ON np.person_id = p.id AND np.type = r.type
        WHERE r.type IS NOT NULL;
        """;

    public static async Task<(Dictionary<long, ContextRow> Contexts, ILookup<long, RecipientRow> Recipients)> ReadAsync(
        NpgsqlConnection conn, IReadOnlyList<PlannedRow> rows, CancellationToken ct)
    {
        T[] Column<T>(Func<PlannedRow, T> pick) => rows.Select(pick).ToArray();
        var told = rows.Where(r => r.Plan.AudienceType is not null).ToList();
        return await BatchResults.QueryAsync(conn, new CommandDefinition(Sql, new
        {
            ids = Column(r => r.Row.Id), orgs = Column(r => r.Row.OrganizationId), mentors = Column(r => r.Payload.MentorId),
            audienceIds = told.Select(r => r.Row.Id).ToArray(), audienceOrgs = told.Select(r => r.Row.OrganizationId).ToArray(),
            audienceMentors = told.Select(r => r.Payload.MentorId).ToArray(), audienceChapters = told.Select(r => r.Plan.AudienceChapter).ToArray(),
            audienceTypes = Column(r => r.Plan.AudienceType is { } t ? SnakeCase.Of(t) : null),
            mentorTypes = Column(r => r.Plan.MentorType is { } t ? SnakeCase.Of(t) : null),
        }, cancellationToken: ct), async results =>
        {
            var contexts = (await results.ReadAsync<ContextRow>()).ToDictionary(c => c.OutboxId);
            return (contexts, (await results.ReadAsync<RecipientRow>()).ToLookup(r => r.OutboxId));
        });
    }
}
