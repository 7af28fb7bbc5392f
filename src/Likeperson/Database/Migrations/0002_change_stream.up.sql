-- The two durable records every state change leaves in its own transaction:
--  * a change event with a per-organisation stream position (the event stream's source of truth);
--  * an outbox row (the notification dispatcher's work queue).
-- Both are written only by SECURITY DEFINER transition functions and the worker role, never
-- directly by the application role.

-- Appends an event at the organisation's next stream position. The UPDATE locks the
-- organisation's counter row until commit, so positions become visible in commit order: a
-- reader that has seen position N can never later find a smaller position committed behind it.
-- Call it as the last step of a transaction to keep that lock short.
CREATE FUNCTION emit_change(p_org uuid, p_type text, p_chapter_ids uuid[], p_mentor_id uuid, p_recipient_id uuid, p_payload jsonb)
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

-- Queues a transition for the notification dispatcher and wakes it.
CREATE FUNCTION enqueue_outbox(p_org uuid, p_kind text, p_payload jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  INSERT INTO outbox (organization_id, kind, payload) VALUES (p_org, p_kind, p_payload) RETURNING id INTO new_id;
  PERFORM pg_notify('likeperson_outbox', new_id::text);
  RETURN new_id;
END $$;

-- The chapters in which a person is a peer mentor (whose coordinators see that mentor).
CREATE FUNCTION mentor_chapter_ids(p_mentor uuid) RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(chapter_id ORDER BY chapter_id), '{}') FROM chapter_memberships
  WHERE person_id = p_mentor AND role = 'peer_mentor' $$;

REVOKE EXECUTE ON FUNCTION emit_change(uuid, text, uuid[], uuid, uuid, jsonb), enqueue_outbox(uuid, text, jsonb),
  mentor_chapter_ids(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION emit_change(uuid, text, uuid[], uuid, uuid, jsonb), enqueue_outbox(uuid, text, jsonb),
  mentor_chapter_ids(uuid) TO likeperson_worker;
