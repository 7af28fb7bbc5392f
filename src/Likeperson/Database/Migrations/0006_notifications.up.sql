-- Notifications: the one creation path for notification rows (the outbox dispatcher and the
-- pause-digest job both use it), their JSON as the in-app centre lists it, publication on the
-- event stream, recipient resolution at dispatch time, and device registration.

-- The in-app notification exactly as GET /notifications lists it; the notification.created
-- event carries the same JSON, so the two can never differ.
CREATE FUNCTION notification_json(n notifications) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', n.id, 'type', n.type, 'title', n.title, 'body', n.body, 'data', n.data, 'status', n.status,
    'created_at', to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'delivered_at', to_char(n.delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'opened_at', to_char(n.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'acknowledged_at', to_char(n.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) $$;

-- Creates one notification row (one recipient, one channel) unless its idempotency key exists:
-- a retried dispatch returns NULL instead of a duplicate. In-app rows that are not held count as
-- sent the moment they are in the inbox; push rows wait as 'pending' for the push sender, which a
-- NOTIFY wakes. Publish with notification_publish as the last step of the transaction.
CREATE FUNCTION notification_create(
  p_id uuid, p_org uuid, p_recipient uuid, p_type text, p_channel text, p_status text,
  p_title text, p_body text, p_data jsonb, p_mentor uuid, p_pause uuid, p_assignment uuid,
  p_outbox bigint, p_key text, p_error text DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  new_id uuid;
  st text := CASE WHEN p_status = 'pending' AND p_channel = 'in_app' THEN 'sent' ELSE p_status END;
BEGIN
  IF st NOT IN ('pending', 'held', 'sent', 'failed', 'undeliverable') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed',
      DETAIL = format('A new notification is pending, held, failed or undeliverable, not %s.', p_status);
  END IF;
  INSERT INTO notifications (id, organization_id, recipient_id, type, channel, status, title, body, data, mentor_id,
                             pause_id, assignment_id, outbox_id, idempotency_key, error, sent_at, next_attempt_at)
  VALUES (coalesce(p_id, gen_random_uuid()), p_org, p_recipient, p_type, p_channel, st, p_title, p_body,
          coalesce(p_data, '{}'), p_mentor, (SELECT id FROM pause_records WHERE id = p_pause), p_assignment,
          p_outbox, p_key, p_error,
          CASE WHEN st = 'sent' THEN now() END,
          CASE WHEN st = 'pending' AND p_channel = 'push' THEN now() END)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id INTO new_id;
  IF new_id IS NOT NULL AND st = 'pending' AND p_channel = 'push' THEN
    PERFORM pg_notify('likeperson_push', '');
  END IF;
  RETURN new_id;
END $$;

-- Publishes notification.created for the given rows that are in someone's inbox (in-app, not
-- held), in the order given. It takes the organisation's stream counter lock: call it last.
CREATE FUNCTION notification_publish(p_ids uuid[]) RETURNS int
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  n notifications;
  published int := 0;
BEGIN
  FOR n IN
    SELECT x.* FROM unnest(p_ids) WITH ORDINALITY AS i(id, ord) JOIN notifications x ON x.id = i.id
    WHERE x.channel = 'in_app' AND x.status <> 'held' AND x.recipient_id IS NOT NULL
    ORDER BY i.ord
  LOOP
    PERFORM emit_change(n.organization_id, 'notification.created', '{}', NULL, n.recipient_id, notification_json(n));
    published := published + 1;
  END LOOP;
  RETURN published;
END $$;

-- Who is told about a mentor, resolved when the notification is dispatched: the coordinators of
-- the given chapter (or of the mentor's chapters); when there are none, the org admins. The
-- mentor is never their own audience. `via` says which rule applied.
CREATE FUNCTION notification_audience(p_org uuid, p_mentor uuid, p_chapter uuid)
RETURNS TABLE (person_id uuid, via text)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  WITH coordinators AS (
    SELECT DISTINCT m.person_id FROM chapter_memberships m
    WHERE m.organization_id = p_org AND m.role = 'coordinator' AND m.person_id IS DISTINCT FROM p_mentor
      AND m.chapter_id = ANY (CASE WHEN p_chapter IS NULL THEN mentor_chapter_ids(p_mentor) ELSE ARRAY[p_chapter] END))
  SELECT person_id, 'coordinator' FROM coordinators
  UNION ALL
  SELECT p.id, 'org_admin' FROM people p
  WHERE p.organization_id = p_org AND p.org_admin AND p.id IS DISTINCT FROM p_mentor
    AND NOT EXISTS (SELECT 1 FROM coordinators) $$;

-- A device token belongs to whoever registered it last (a phone can change hands), so
-- registration moves it; the application role cannot touch another person's row itself.
CREATE FUNCTION device_register(p_token text, p_platform text) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me uuid := current_person_id();
  org uuid := (SELECT organization_id FROM people WHERE id = me);
  registered timestamptz;
BEGIN
  IF org IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No such person in any organisation.';
  END IF;
  INSERT INTO devices AS d (token, person_id, organization_id, platform) VALUES (p_token, me, org, p_platform)
  ON CONFLICT (token) DO UPDATE SET person_id = excluded.person_id, organization_id = excluded.organization_id,
    platform = excluded.platform, created_at = CASE WHEN d.person_id = excluded.person_id THEN d.created_at ELSE now() END
  RETURNING created_at INTO registered;
  RETURN registered;
END $$;

-- The pause log names every recipient, including org admins and coordinators of the mentor's
-- other chapters whom the people policy would hide from a coordinator: names within the caller's
-- own organisation only.
CREATE FUNCTION notification_recipient_name(p_person uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT display_name FROM people WHERE id = p_person AND organization_id = auth_org_id() $$;

-- Delivery problems per organisation, for the coordinator dashboard (undeliverable has its index in 0001).
CREATE INDEX notifications_failed ON notifications (organization_id) WHERE status = 'failed';

REVOKE EXECUTE ON FUNCTION notification_recipient_name(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notification_recipient_name(uuid) TO likeperson_app;
REVOKE EXECUTE ON FUNCTION notification_json(notifications), notification_create(uuid, uuid, uuid, text, text, text, text, text, jsonb, uuid, uuid, uuid, bigint, text, text),
  notification_publish(uuid[]), notification_audience(uuid, uuid, uuid), device_register(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notification_json(notifications) TO likeperson_app, likeperson_worker;
GRANT EXECUTE ON FUNCTION notification_create(uuid, uuid, uuid, text, text, text, text, text, jsonb, uuid, uuid, uuid, bigint, text, text),
  notification_publish(uuid[]), notification_audience(uuid, uuid, uuid) TO likeperson_worker;
GRANT EXECUTE ON FUNCTION device_register(text, text) TO likeperson_app;
