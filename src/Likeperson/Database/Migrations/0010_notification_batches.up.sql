-- Set-based notification creation for the outbox dispatcher and the pause-digest job: many rows
-- in one statement, with exactly the rules of notification_create (0006) for each row. A
-- dispatcher batch of hundreds of outbox rows costs one round trip instead of one per row.

-- Creates the rows whose idempotency keys are new and returns their ids; a row whose key exists
-- (a retried dispatch) is skipped. In-app rows that are not held count as sent at once; pending
-- push rows are due now and one NOTIFY wakes the push senders. Publish with notification_publish
-- as the last step of the transaction.
CREATE FUNCTION notification_create_many(
  p_ids uuid[], p_orgs uuid[], p_recipients uuid[], p_types text[], p_channels text[], p_statuses text[],
  p_titles text[], p_bodies text[], p_data jsonb[], p_mentors uuid[], p_pauses uuid[], p_assignments uuid[],
  p_outboxes bigint[], p_keys text[], p_errors text[])
RETURNS SETOF uuid
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  created uuid[];
  pushed boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(p_statuses) s WHERE s IS NULL OR s NOT IN ('pending', 'held', 'sent', 'failed', 'undeliverable')) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed',
      DETAIL = 'A new notification is pending, held, sent, failed or undeliverable.';
  END IF;
  WITH input AS (
    SELECT i.*, CASE WHEN i.status = 'pending' AND i.channel = 'in_app' THEN 'sent' ELSE i.status END AS st
    FROM unnest(p_ids, p_orgs, p_recipients, p_types, p_channels, p_statuses, p_titles, p_bodies, p_data, p_mentors,
                p_pauses, p_assignments, p_outboxes, p_keys, p_errors)
         WITH ORDINALITY AS i(id, org, recipient, type, channel, status, title, body, data, mentor, pause, assignment,
                              outbox, key, error, ord)
  ), made AS (
    INSERT INTO notifications (id, organization_id, recipient_id, type, channel, status, title, body, data, mentor_id,
                               pause_id, assignment_id, outbox_id, idempotency_key, error, sent_at, next_attempt_at)
    SELECT coalesce(i.id, gen_random_uuid()), i.org, i.recipient, i.type, i.channel, i.st, i.title, i.body,
           coalesce(i.data, '{}'), i.mentor, pr.id, i.assignment, i.outbox, i.key, i.error,
           CASE WHEN i.st = 'sent' THEN now() END,
           CASE WHEN i.st = 'pending' AND i.channel = 'push' THEN now() END
    FROM input i LEFT JOIN pause_records pr ON pr.id = i.pause -- a pause record deleted meanwhile: no link
    ORDER BY i.ord
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, channel, status)
  SELECT array_agg(id), coalesce(bool_or(channel = 'push' AND status = 'pending'), false) INTO created, pushed FROM made;
  IF pushed THEN
    PERFORM pg_notify('likeperson_push', '');
  END IF;
  RETURN QUERY SELECT unnest(coalesce(created, '{}'));
END $$;

-- notification_publish (0006) set-based: the same notification.created events in the same order,
-- but one counter update and one insert per organisation instead of one emit_change per row. A
-- batch of a thousand in-app rows costs one statement, and the organisation's stream counter,
-- locked from here until commit, is held for that long only. Positions are contiguous per
-- organisation and, as with emit_change, follow commit order (the counter row lock). Organisations
-- are taken in the order of their first row: callers order by organisation, so concurrent
-- dispatchers lock counters in one order and never deadlock.
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

-- notification_audience (0006) for a whole batch in one statement: who is told about each asked
-- row (key = the caller's row number), resolved now: the coordinators of the given chapter (or of
-- the mentor's chapters); when there are none, the org admins. The mentor is never their own
-- audience. `via` says which rule applied. A join instead of one function call per row.
CREATE FUNCTION notification_audiences(p_keys bigint[], p_orgs uuid[], p_mentors uuid[], p_chapters uuid[])
RETURNS TABLE (key bigint, person_id uuid, via text)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  WITH asked AS (
    SELECT * FROM unnest(p_keys, p_orgs, p_mentors, p_chapters) AS a(key, org, mentor, chapter)
  ), chapters AS (
    SELECT a.key, a.chapter AS chapter_id FROM asked a WHERE a.chapter IS NOT NULL
    UNION
    SELECT a.key, m.chapter_id FROM asked a JOIN chapter_memberships m ON m.person_id = a.mentor AND m.role = 'peer_mentor'
    WHERE a.chapter IS NULL
  ), coordinators AS (
    SELECT DISTINCT a.key, m.person_id FROM asked a
    JOIN chapters c ON c.key = a.key
    JOIN chapter_memberships m ON m.chapter_id = c.chapter_id AND m.role = 'coordinator' AND m.organization_id = a.org
    WHERE m.person_id IS DISTINCT FROM a.mentor
  )
  SELECT c.key, c.person_id, 'coordinator' FROM coordinators c
  UNION ALL
  SELECT a.key, p.id, 'org_admin' FROM asked a
  JOIN people p ON p.organization_id = a.org AND p.org_admin AND p.id IS DISTINCT FROM a.mentor
  WHERE NOT EXISTS (SELECT 1 FROM coordinators c WHERE c.key = a.key) $$;

-- The single-row form keeps its signature and becomes the batch form for one row: one rule.
CREATE OR REPLACE FUNCTION notification_audience(p_org uuid, p_mentor uuid, p_chapter uuid)
RETURNS TABLE (person_id uuid, via text)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT a.person_id, a.via FROM notification_audiences(ARRAY[0::bigint], ARRAY[p_org], ARRAY[p_mentor], ARRAY[p_chapter]) a $$;

-- The push queue, indexed in the order the senders claim it (FOR UPDATE SKIP LOCKED ... LIMIT),
-- so a claim is an ordered index scan that stops after its batch. The index of 0001 could not
-- give the NULLS FIRST order: every claim sorted every due row, and during a backlog of tens of
-- thousands of push rows each claim grew slower. An ordered scan also marks the dead entries it
-- passes (rows sent since the last vacuum), so the next claim skips them.
DROP INDEX notifications_push_due;
CREATE INDEX notifications_push_queue ON notifications ((coalesce(next_attempt_at, '-infinity')), id)
  WHERE channel = 'push' AND status = 'pending';

REVOKE EXECUTE ON FUNCTION notification_audiences(bigint[], uuid[], uuid[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notification_audiences(bigint[], uuid[], uuid[], uuid[]) TO likeperson_worker;
REVOKE EXECUTE ON FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[]) TO likeperson_worker;
