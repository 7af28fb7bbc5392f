-- The organisation's stream counter in one place. emit_change (one event, 0002) and the set-based
-- notification_publish (0010) each kept their own copy of "advance the counter, wake the listeners";
-- both now take their positions from stream_advance, so the ordering rule (the counter row lock
-- held until commit) and the wake-up live in one function.

-- Reserves p_count positions for the organisation and returns the last of them (the first is
-- last - p_count + 1). The counter row stays locked until commit, so positions follow commit order.
CREATE FUNCTION stream_advance(p_org uuid, p_count int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  last bigint;
BEGIN
  INSERT INTO stream_positions AS s (organization_id, last_position) VALUES (p_org, p_count)
  ON CONFLICT (organization_id) DO UPDATE SET last_position = s.last_position + p_count
  RETURNING last_position INTO last;
  -- Only a wake-up hint for the stream listeners (delivered at commit); the table is the truth.
  PERFORM pg_notify('likeperson_changes', p_org::text);
  RETURN last;
END $$;

CREATE OR REPLACE FUNCTION emit_change(p_org uuid, p_type text, p_chapter_ids uuid[], p_mentor_id uuid, p_recipient_id uuid, p_payload jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  pos bigint := stream_advance(p_org, 1);
BEGIN
  INSERT INTO change_events (organization_id, position, event_type, chapter_ids, mentor_id, recipient_id, payload)
  VALUES (p_org, pos, p_type, coalesce(p_chapter_ids, '{}'), p_mentor_id, p_recipient_id, p_payload);
  RETURN pos;
END $$;

CREATE OR REPLACE FUNCTION notification_publish(p_ids uuid[]) RETURNS int
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  o record;
  last bigint;
  published int := 0;
BEGIN
  FOR o IN
    SELECT x.organization_id AS org, array_agg(x.id ORDER BY i.ord) AS ids, count(*)::int AS n
    FROM unnest(p_ids) WITH ORDINALITY AS i(id, ord) JOIN notifications x ON x.id = i.id
    WHERE x.channel = 'in_app' AND x.status <> 'held' AND x.recipient_id IS NOT NULL
    GROUP BY x.organization_id ORDER BY min(i.ord)
  LOOP
    last := stream_advance(o.org, o.n);
    INSERT INTO change_events (organization_id, position, event_type, chapter_ids, mentor_id, recipient_id, payload)
    SELECT o.org, last - o.n + k.ord, 'notification.created', '{}', NULL, x.recipient_id, notification_json(x)
    FROM unnest(o.ids) WITH ORDINALITY AS k(id, ord) JOIN notifications x ON x.id = k.id;
    published := published + o.n;
  END LOOP;
  RETURN published;
END $$;

REVOKE EXECUTE ON FUNCTION stream_advance(uuid, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stream_advance(uuid, int) TO likeperson_worker;
