-- Quiet hours (issue 18.6): each person has a window, read in their organisation's time zone, in which push waits. In-app
-- notifications arrive at once. Default: enabled, 22:00 to 07:00. The window may cross midnight; start and end differ.
ALTER TABLE people
  ADD COLUMN quiet_hours_enabled boolean NOT NULL DEFAULT true,
  ADD COLUMN quiet_hours_start time NOT NULL DEFAULT '22:00',
  ADD COLUMN quiet_hours_end time NOT NULL DEFAULT '07:00',
  ADD CONSTRAINT people_quiet_hours_window CHECK (quiet_hours_start <> quiet_hours_end
    AND date_trunc('minute', quiet_hours_start) = quiet_hours_start AND date_trunc('minute', quiet_hours_end) = quiet_hours_end);

-- When push for the person may go out again, if p_at (the moment a push is created for) falls in their quiet hours; null
-- when it does not (or they switched quiet hours off). The start is inside the window, the end is not. The end is that
-- wall-clock time on the right local date, so a DST change in between moves it by the hour the clocks moved.
CREATE FUNCTION quiet_hours_end(p_person uuid, p_at timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN e.until > p_at THEN e.until END
  FROM people p
  JOIN organizations o ON o.id = p.organization_id
  CROSS JOIN LATERAL (SELECT (p_at AT TIME ZONE o.timezone)::time AS t, (p_at AT TIME ZONE o.timezone)::date AS d) l
  CROSS JOIN LATERAL (SELECT CASE
      WHEN p.quiet_hours_start < p.quiet_hours_end AND l.t >= p.quiet_hours_start AND l.t < p.quiet_hours_end
        THEN (l.d + p.quiet_hours_end) AT TIME ZONE o.timezone
      WHEN p.quiet_hours_start > p.quiet_hours_end AND l.t >= p.quiet_hours_start
        THEN (l.d + 1 + p.quiet_hours_end) AT TIME ZONE o.timezone
      WHEN p.quiet_hours_start > p.quiet_hours_end AND l.t < p.quiet_hours_end
        THEN (l.d + p.quiet_hours_end) AT TIME ZONE o.timezone
    END AS until) e
  WHERE p.id = p_person AND p.quiet_hours_enabled $$;

-- The signed-in person's quiet hours as the API shows them ("HH:MM", 24-hour).
CREATE FUNCTION quiet_hours_get() RETURNS TABLE (enabled boolean, start text, "end" text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p.quiet_hours_enabled, to_char(p.quiet_hours_start, 'HH24:MI'), to_char(p.quiet_hours_end, 'HH24:MI')
  FROM people p WHERE p.id = current_person_id() $$;

-- Sets the signed-in person's quiet hours (the application role may not update people itself). Every field's error is
-- reported at once (422 validation_failed, HINT {"errors": {...}, "codes": {field: required | time_format | same_as_start}}),
-- and nothing changes.
CREATE FUNCTION quiet_hours_set(p_enabled boolean, p_start text, p_end text) RETURNS TABLE (enabled boolean, start text, "end" text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  pattern constant text := '^([01][0-9]|2[0-3]):[0-5][0-9]$';
  errors jsonb := '{}';
  codes jsonb := '{}';
BEGIN
  IF current_person_id() IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No person is acting.';
  END IF;
  IF p_enabled IS NULL THEN
    errors := errors || jsonb_build_object('enabled', jsonb_build_array('enabled is required: true or false.'));
    codes := codes || '{"enabled": "required"}';
  END IF;
  IF p_start IS NULL OR p_start !~ pattern THEN
    errors := errors || jsonb_build_object('start', jsonb_build_array('start is a 24-hour time "HH:MM", 00:00 to 23:59.'));
    codes := codes || '{"start": "time_format"}';
  END IF;
  IF p_end IS NULL OR p_end !~ pattern THEN
    errors := errors || jsonb_build_object('end', jsonb_build_array('end is a 24-hour time "HH:MM", 00:00 to 23:59.'));
    codes := codes || '{"end": "time_format"}';
  ELSIF p_start ~ pattern AND p_start = p_end THEN
    errors := errors || jsonb_build_object('end', jsonb_build_array('end must differ from start (a window may cross midnight).'));
    codes := codes || '{"end": "same_as_start"}';
  END IF;
  IF errors <> '{}' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', DETAIL = 'One or more fields are invalid.',
      HINT = jsonb_build_object('errors', errors, 'codes', codes)::text;
  END IF;
  UPDATE people SET quiet_hours_enabled = p_enabled, quiet_hours_start = p_start::time, quiet_hours_end = p_end::time
  WHERE id = current_person_id();
  RETURN QUERY SELECT * FROM quiet_hours_get();
END $$;

-- What an auditor reads in the delivery log: the push was held for the recipient's quiet hours, until then. Set once, when
-- the row is created (the sender's next_attempt_at is cleared once the row is sent, this is not).
ALTER TABLE notifications ADD COLUMN quiet_hours_until timestamptz;

-- 0010's function with p_at: the moment the rows are created for (the application's clock; the database's when null). A
-- pending push row whose recipient is in quiet hours then is due when they end (next_attempt_at = quiet_hours_until);
-- every other pending push row is due at once. Queued rows keep their time when the person changes their quiet hours.
DROP FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[]);
CREATE FUNCTION notification_create_many(
  p_ids uuid[], p_orgs uuid[], p_recipients uuid[], p_types text[], p_channels text[], p_statuses text[],
  p_titles text[], p_bodies text[], p_data jsonb[], p_mentors uuid[], p_pauses uuid[], p_assignments uuid[],
  p_outboxes bigint[], p_keys text[], p_errors text[], p_at timestamptz DEFAULT NULL)
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
                               pause_id, assignment_id, outbox_id, idempotency_key, error, sent_at, next_attempt_at,
                               quiet_hours_until)
    SELECT coalesce(i.id, gen_random_uuid()), i.org, i.recipient, i.type, i.channel, i.st, i.title, i.body,
           coalesce(i.data, '{}'), i.mentor, pr.id, i.assignment, i.outbox, i.key, i.error,
           CASE WHEN i.st = 'sent' THEN now() END,
           CASE WHEN q.push THEN coalesce(q.until, p_at, now()) END,
           q.until
    FROM input i
    LEFT JOIN pause_records pr ON pr.id = i.pause -- a pause record deleted meanwhile: no link
    CROSS JOIN LATERAL (SELECT i.st = 'pending' AND i.channel = 'push' AS push) k
    CROSS JOIN LATERAL (SELECT k.push, CASE WHEN k.push THEN quiet_hours_end(i.recipient, coalesce(p_at, now())) END AS until) q
    ORDER BY i.ord
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, channel, status)
  SELECT array_agg(id), coalesce(bool_or(channel = 'push' AND status = 'pending'), false) INTO created, pushed FROM made;
  IF pushed THEN
    PERFORM pg_notify('likeperson_push', '');
  END IF;
  RETURN QUERY SELECT unnest(coalesce(created, '{}'));
END $$;

REVOKE EXECUTE ON FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[], timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[], timestamptz) TO likeperson_worker;
REVOKE EXECUTE ON FUNCTION quiet_hours_end(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION quiet_hours_end(uuid, timestamptz) TO likeperson_worker;
REVOKE EXECUTE ON FUNCTION quiet_hours_get() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION quiet_hours_get() TO likeperson_app;
REVOKE EXECUTE ON FUNCTION quiet_hours_set(boolean, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION quiet_hours_set(boolean, text, text) TO likeperson_app;
