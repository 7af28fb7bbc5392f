-- Back to 0010's notification_create_many (as 0012 left it); quiet hours go.
DROP FUNCTION IF EXISTS notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[], timestamptz);
CREATE FUNCTION notification_create_many(p_ids uuid[], p_orgs uuid[], p_recipients uuid[], p_types text[], p_channels text[], p_statuses text[], p_titles text[], p_bodies text[], p_data jsonb[], p_mentors uuid[], p_pauses uuid[], p_assignments uuid[], p_outboxes bigint[], p_keys text[], p_errors text[]) RETURNS SETOF uuid
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
    AS $$
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

REVOKE EXECUTE ON FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[]) TO likeperson_worker;
ALTER TABLE notifications DROP COLUMN IF EXISTS quiet_hours_until;
DROP FUNCTION IF EXISTS quiet_hours_set(boolean, text, text);
DROP FUNCTION IF EXISTS quiet_hours_get();
DROP FUNCTION IF EXISTS quiet_hours_end(uuid, timestamptz);
ALTER TABLE people DROP CONSTRAINT IF EXISTS people_quiet_hours_window,
  DROP COLUMN IF EXISTS quiet_hours_enabled, DROP COLUMN IF EXISTS quiet_hours_start, DROP COLUMN IF EXISTS quiet_hours_end;
