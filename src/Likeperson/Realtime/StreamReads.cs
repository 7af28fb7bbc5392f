using Dapper;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Realtime;

/// <summary>
/// Every database read of the event stream (as the worker role: the fan-out reads for everyone
/// and filters per subscriber with <see cref="StreamScope"/>, the same rule as the RLS policy).
/// Each method is one round trip, counted in <see cref="StreamMetrics"/>.
/// </summary>
public sealed class StreamReads(WorkerDataSource worker, StreamMetrics metrics)
{
    /// <summary>Where a new stream starts: the caller's scope and the organisation's head and horizon, all in one snapshot.</summary>
    public sealed record Start(Guid OrganizationId, StreamScope Scope, long Head, long PrunedThrough, bool ChapterKnown);

    public async Task<Start?> StartAsync(Guid personId, Guid? chapterId, CancellationToken ct)
    {
        metrics.SubscribeRead();
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<StartRow>(new CommandDefinition("""
            SELECT p.organization_id, p.org_admin,
                   coalesce((SELECT array_agg(m.chapter_id) FROM chapter_memberships m WHERE m.person_id = p.id AND m.role = 'coordinator'), '{}') AS coordinated,
                   coalesce(s.scope_epoch, 0) AS scope_epoch, coalesce(s.pruned_through, 0) AS pruned_through,
                   coalesce((SELECT last_position FROM stream_positions sp WHERE sp.organization_id = p.organization_id), 0) AS head,
                   (@chapterId::uuid IS NULL OR EXISTS (SELECT 1 FROM chapters c WHERE c.id = @chapterId AND c.organization_id = p.organization_id)) AS chapter_known
            FROM people p LEFT JOIN stream_state s ON s.organization_id = p.organization_id
            WHERE p.id = @personId
            """, new { personId, chapterId }, cancellationToken: ct));
        return row is null ? null : new Start(row.OrganizationId,
            new StreamScope(personId, row.OrgAdmin, row.Coordinated, row.ScopeEpoch), row.Head, row.PrunedThrough, row.ChapterKnown);
    }

    /// <summary>One resuming stream's next events after <paramref name="after"/>, with the horizon and scope epoch of the same snapshot.</summary>
    public async Task<(long PrunedThrough, long ScopeEpoch, List<ChangeEvent> Events)> ReplayAsync(Guid org, long after, int limit, CancellationToken ct)
    {
        metrics.ReplayRead();
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<EventRow>(new CommandDefinition("""
            SELECT s.pruned_through, s.scope_epoch,
                   e.organization_id, e.position, e.event_type, e.chapter_ids, e.mentor_id, e.recipient_id, e.payload::text AS payload
            FROM (SELECT coalesce(max(pruned_through), 0) AS pruned_through, coalesce(max(scope_epoch), 0) AS scope_epoch
                  FROM stream_state WHERE organization_id = @org) s
            LEFT JOIN LATERAL (SELECT * FROM change_events WHERE organization_id = @org AND position > @after ORDER BY position LIMIT @limit) e ON true
            ORDER BY e.position
            """, new { org, after, limit }, cancellationToken: ct))).ToList();
        return (rows[0].PrunedThrough, rows[0].ScopeEpoch, rows.Where(r => r.Position is not null).Select(r => r.ToEvent()).ToList());
    }

    /// <summary>
    /// The fan-out read: the new events of every woken organisation, then (a later snapshot, so
    /// never older than the events) each one's scope epoch. One round trip however many subscribers.
    /// </summary>
    public async Task<(Dictionary<Guid, List<ChangeEvent>> Events, Dictionary<Guid, long> Epochs)> NewEventsAsync(
        IReadOnlyList<(Guid Org, long Head)> work, int limit, CancellationToken ct)
    {
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var orgs = work.Select(w => w.Org).ToArray();
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    SELECT e.organization_id, e.position, e.event_type, e.chapter_ids, e.mentor_id, e.recipient_id, e.payload::text
                    FROM unnest($1::uuid[], $2::bigint[]) AS w(org, head)
                    CROSS JOIN LATERAL (SELECT * FROM change_events c WHERE c.organization_id = w.org AND c.position > w.head
                                        ORDER BY c.position LIMIT $3) e
                    ORDER BY e.organization_id, e.position
                    """) { Parameters = { new() { Value = orgs }, new() { Value = work.Select(w => w.Head).ToArray() }, new() { Value = limit } } },
                new NpgsqlBatchCommand("SELECT organization_id, scope_epoch FROM stream_state WHERE organization_id = ANY($1)")
                    { Parameters = { new() { Value = orgs } } },
            },
        };
        // This runs once per NOTIFY: prepared once per pooled connection, it is neither parsed nor planned again (about half
        // the database's and this process's CPU of a read of one event).
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var events = new Dictionary<Guid, List<ChangeEvent>>();
        var read = 0;
        while (await reader.ReadAsync(ct))
        {
            var org = reader.GetGuid(0);
            if (!events.TryGetValue(org, out var list)) events[org] = list = [];
            list.Add(new ChangeEvent(reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<Guid[]>(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetString(6)));
            read++;
        }
        await reader.NextResultAsync(ct);
        var epochs = new Dictionary<Guid, long>();
        while (await reader.ReadAsync(ct)) epochs[reader.GetGuid(0)] = reader.GetInt64(1);
        metrics.FanOutRead(read);
        return (events, epochs);
    }

    /// <summary>The current scope of some people (one organisation's stale subscribers), with the epoch of the same snapshot.</summary>
    public async Task<Dictionary<Guid, StreamScope>> ScopesAsync(Guid org, Guid[] people, CancellationToken ct)
    {
        metrics.ScopeReload();
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ScopeRow>(new CommandDefinition("""
            SELECT p.id, p.org_admin,
                   coalesce(array_agg(m.chapter_id) FILTER (WHERE m.role = 'coordinator'), '{}') AS coordinated,
                   coalesce((SELECT scope_epoch FROM stream_state WHERE organization_id = @org), 0) AS scope_epoch
            FROM people p LEFT JOIN chapter_memberships m ON m.person_id = p.id
            WHERE p.id = ANY(@people) AND p.organization_id = @org
            GROUP BY p.id
            """, new { org, people }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => new StreamScope(r.Id, r.OrgAdmin, r.Coordinated, r.ScopeEpoch));
    }

    /// <summary>
    /// Which of these holders may still stream: the person exists and is in that organisation, and the web session that
    /// opened the stream (if one did) has not been signed out.
    /// </summary>
    public async Task<HashSet<StreamHolder>> StillAllowedAsync(IReadOnlyList<StreamHolder> holders, CancellationToken ct)
    {
        metrics.AccessCheck();
        await using var conn = await worker.Source.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(Guid Org, Guid Person, Guid? Session)>(new CommandDefinition("""
            SELECT s.org, s.id, s.sid FROM unnest(@orgs::uuid[], @ids::uuid[], @sids::uuid[]) AS s(org, id, sid)
            JOIN people p ON p.id = s.id AND p.organization_id = s.org
            WHERE s.sid IS NULL OR NOT web_session_ended(s.sid)
            """, new
            {
                orgs = holders.Select(h => h.Org).ToArray(), ids = holders.Select(h => h.Person).ToArray(),
                sids = holders.Select(h => h.Session).ToArray(),
            }, cancellationToken: ct));
        return rows.Select(r => new StreamHolder(r.Org, r.Person, r.Session)).ToHashSet();
    }

    private sealed class StartRow
    {
        public Guid OrganizationId { get; init; }
        public bool OrgAdmin { get; init; }
        public Guid[] Coordinated { get; init; } = [];
        public long ScopeEpoch { get; init; }
        public long PrunedThrough { get; init; }
        public long Head { get; init; }
        public bool ChapterKnown { get; init; }
    }

    private sealed class ScopeRow
    {
        public Guid Id { get; init; }
        public bool OrgAdmin { get; init; }
        public Guid[] Coordinated { get; init; } = [];
        public long ScopeEpoch { get; init; }
    }

    private sealed class EventRow
    {
        public long PrunedThrough { get; init; }
        public long ScopeEpoch { get; init; }
        public Guid? OrganizationId { get; init; }
        public long? Position { get; init; }
        public string EventType { get; init; } = "";
        public Guid[] ChapterIds { get; init; } = [];
        public Guid? MentorId { get; init; }
        public Guid? RecipientId { get; init; }
        public string Payload { get; init; } = "";

        public ChangeEvent ToEvent() => new(Position!.Value, EventType, ChapterIds, MentorId, RecipientId, Payload);
    }
}
