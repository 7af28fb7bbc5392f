-- emit_change as 0002 created it.
CREATE OR REPLACE FUNCTION emit_change(p_org uuid, p_type text, p_chapter_ids uuid[], p_mentor_id uuid, p_recipient_id uuid, p_payload jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  pos bigint;
BEGIN
  INSERT INTO stream_positions AS s (organization_id, last_position) VALUES (p_org, 1)
  ON CONFLICT (organization_id) DO UPDATE SET last_position = s.last_position + 1
  RETURNING last_position INTO pos;
  INSERT INTO change_events (organization_id, position, event_type, chapter_ids, mentor_id, recipient_id, payload)
  VALUES (p_org, pos, p_type, coalesce(p_chapter_ids, '{}'), p_mentor_id, p_recipient_id, p_payload);
  -- Only a wake-up hint for listeners; the table is the truth.
  PERFORM pg_notify('likeperson_changes', p_org::text);
  RETURN pos;
END $$;

-- notification_publish as 0010 created it.
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
    INSERT INTO stream_positions AS s (organization_id, last_position) VALUES (o.org, o.n)
    ON CONFLICT (organization_id) DO UPDATE SET last_position = s.last_position + o.n
    RETURNING last_position INTO last;
    INSERT INTO change_events (organization_id, position, event_type, chapter_ids, mentor_id, recipient_id, payload)
    SELECT o.org, last - o.n + k.ord, 'notification.created', '{}', NULL, x.recipient_id, notification_json(x)
    FROM unnest(o.ids) WITH ORDINALITY AS k(id, ord) JOIN notifications x ON x.id = k.id;
    -- Only a wake-up hint for the stream listeners, as in emit_change; the table is the truth.
    PERFORM pg_notify('likeperson_changes', o.org::text);
    published := published + o.n;
  END LOOP;
  RETURN published;
END $$;

DROP FUNCTION stream_advance(uuid, int);
