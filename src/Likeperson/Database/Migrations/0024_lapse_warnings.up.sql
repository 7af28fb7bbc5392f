-- Warnings before a lapse (issue 18, point 5). certification_expiring: when the days left until a mentor's certification
-- expiry (in the organisation's time zone) first drop to or below one of the organisation's certification_warning_days
-- (default 30 and 7), the mentor and their coordinators are told, once per threshold and expiry date
-- (certification_warnings; a renewed date starts afresh). return_date_passed: once the organisation's today is after a
-- paused mentor's expected return date, the mentor is told (push and in-app) and their coordinators (in-app), once per
-- pause (return_date_notices). Both are sent through the outbox, so the dispatcher resolves the audience and applies
-- preferences exactly as for every other notification; both are configurable (neither is critical).

ALTER TABLE organizations ADD COLUMN certification_warning_days int[] NOT NULL DEFAULT '{30,7}'
  CONSTRAINT organizations_certification_warning_days_valid CHECK (
    array_position(certification_warning_days, NULL) IS NULL AND cardinality(certification_warning_days) <= 10
    AND 0 < ALL (certification_warning_days) AND 365 >= ALL (certification_warning_days));
GRANT UPDATE (certification_warning_days) ON organizations TO likeperson_app;

ALTER TABLE outbox DROP CONSTRAINT outbox_kind_valid, ADD CONSTRAINT outbox_kind_valid CHECK (kind IN (
  'mentor_status_changed', 'honorarium_threshold_reached', 'follow_up_reminder', 'follow_up_escalation',
  'certification_expiring', 'return_date_passed'));
ALTER TABLE notifications DROP CONSTRAINT notifications_type_valid, ADD CONSTRAINT notifications_type_valid CHECK (type IN (
  'mentor_paused', 'mentor_reactivated', 'mentor_deactivated', 'certification_expiry_auto_pause',
  'reactivation_pending_ack', 'pause_confirmation', 'reactivation_confirmation', 'pause_digest',
  'honorarium_threshold_reached', 'follow_up_reminder', 'follow_up_escalation', 'certification_expiring', 'return_date_passed'));
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_type_valid,
  ADD CONSTRAINT notification_preferences_type_valid CHECK (type IN (
    'mentor_paused', 'mentor_reactivated', 'certification_expiry_auto_pause', 'reactivation_pending_ack',
    'certification_expiring', 'return_date_passed'));

-- How many days ahead of an expiry the organisation warns: its largest threshold (null: it sets none). The one rule for
-- the job's candidates and for the warnings on /my and the mentor page (the web frame reads it).
CREATE FUNCTION certification_warning_window(p_days int[]) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT max(t) FROM unnest(p_days) t $$;
REVOKE EXECUTE ON FUNCTION certification_warning_window(int[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION certification_warning_window(int[]) TO likeperson_app, likeperson_worker;

-- What was sent: one row per mentor, expiry date and threshold crossed (also the thresholds passed over silently when the
-- job crossed several at once, so none of them warns later for the same date).
CREATE TABLE certification_warnings (
  mentor_id       uuid NOT NULL,
  organization_id uuid NOT NULL,
  expires_on      date NOT NULL,
  threshold_days  int NOT NULL CONSTRAINT certification_warnings_threshold_positive CHECK (threshold_days > 0),
  sent_at         timestamptz NOT NULL,
  PRIMARY KEY (mentor_id, expires_on, threshold_days),
  FOREIGN KEY (mentor_id, organization_id) REFERENCES peer_mentors (id, organization_id) ON DELETE CASCADE
);
ALTER TABLE certification_warnings ENABLE ROW LEVEL SECURITY; -- workers only
REVOKE ALL ON certification_warnings FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON certification_warnings TO likeperson_worker;

-- One return_date_passed per pause.
CREATE TABLE return_date_notices (
  pause_id             uuid PRIMARY KEY REFERENCES pause_records ON DELETE CASCADE,
  organization_id      uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  expected_return_date date NOT NULL,
  sent_at              timestamptz NOT NULL
);
ALTER TABLE return_date_notices ENABLE ROW LEVEL SECURITY; -- workers only
REVOKE ALL ON return_date_notices FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON return_date_notices TO likeperson_worker;

-- The certification-expiry job's warnings as of p_now (the job's clock, not now()). A mentor (active, paused or pending
-- reactivation; not inactive, not already expired) whose days left are at or below some thresholds gets one warning, for
-- the smallest of them, unless that one was already sent for this expiry date; all of them are recorded. Returns the
-- mentors within the largest threshold (due) and the warnings queued.
CREATE FUNCTION jobs_certification_warnings(p_org uuid, p_now timestamptz) RETURNS TABLE(due bigint, warnings bigint)
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  o organizations;
  today date;
BEGIN
  SELECT * INTO o FROM organizations WHERE id = p_org;
  IF o.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Organisation was not found.';
  END IF;
  today := (p_now AT TIME ZONE o.timezone)::date;
  PERFORM pg_advisory_xact_lock(hashtext('jobs_certification_warnings'), hashtext(p_org::text));
  RETURN QUERY
  WITH candidates AS (
    SELECT m.id, m.certification_expires_at AS expires_on, m.certification_expires_at - today AS days_left,
           (SELECT array_agg(t ORDER BY t) FROM unnest(o.certification_warning_days) t
            WHERE m.certification_expires_at - today <= t) AS crossed
    FROM peer_mentors m
    WHERE m.organization_id = p_org AND m.status IN ('active', 'paused', 'pending_reactivation')
      AND m.certification_expires_at >= today
      AND m.certification_expires_at - today <= certification_warning_window(o.certification_warning_days)
  ), fresh AS (
    SELECT c.* FROM candidates c
    WHERE NOT EXISTS (SELECT 1 FROM certification_warnings w
                      WHERE w.mentor_id = c.id AND w.expires_on = c.expires_on AND w.threshold_days = c.crossed[1])
  ), recorded AS (
    INSERT INTO certification_warnings (mentor_id, organization_id, expires_on, threshold_days, sent_at)
    SELECT c.id, p_org, c.expires_on, t, p_now FROM candidates c CROSS JOIN LATERAL unnest(c.crossed) t
    ON CONFLICT DO NOTHING
  ), queued AS (
    INSERT INTO outbox (organization_id, kind, payload, created_at, available_at)
    SELECT p_org, 'certification_expiring', jsonb_build_object(
             'mentor_id', f.id, 'mentor_display_name', p.display_name, 'certification_expires_at', f.expires_on,
             'days_left', f.days_left, 'threshold', f.crossed[1], 'occurred_at', rfc3339(p_now)), now(), now()
    FROM fresh f JOIN people p ON p.id = f.id
    RETURNING 1)
  SELECT (SELECT count(*) FROM candidates), (SELECT count(*) FROM queued);
  PERFORM pg_notify('likeperson_outbox', '');
END $$;

-- The follow-up-reminders job's return_date_passed as of p_now: every paused mentor whose live pause's expected return
-- date is before the organisation's today (its current time zone), once per pause. A mentor who already asked to be
-- reactivated (pending_reactivation) has acted and is not reminded. Returns the notices queued.
CREATE FUNCTION jobs_return_dates_passed(p_org uuid, p_now timestamptz) RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  o organizations;
  queued_count bigint;
BEGIN
  SELECT * INTO o FROM organizations WHERE id = p_org;
  IF o.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Organisation was not found.';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('jobs_return_dates_passed'), hashtext(p_org::text));
  WITH passed AS (
    SELECT r.id, r.mentor_id, r.kind, r.expected_return_date, p.display_name
    FROM pause_records r
    JOIN peer_mentors m ON m.id = r.mentor_id AND m.status = 'paused'
    JOIN people p ON p.id = r.mentor_id
    WHERE r.organization_id = p_org AND r.status IN ('paused', 'expired_cert')
      AND r.expected_return_date < (p_now AT TIME ZONE o.timezone)::date
      AND NOT EXISTS (SELECT 1 FROM return_date_notices n WHERE n.pause_id = r.id)
  ), noticed AS (
    INSERT INTO return_date_notices (pause_id, organization_id, expected_return_date, sent_at)
    SELECT x.id, p_org, x.expected_return_date, p_now FROM passed x
    ON CONFLICT DO NOTHING
  ), queued AS (
    INSERT INTO outbox (organization_id, kind, payload, created_at, available_at)
    SELECT p_org, 'return_date_passed', jsonb_build_object(
             'mentor_id', x.mentor_id, 'mentor_display_name', x.display_name, 'pause_id', x.id, 'kind', x.kind,
             'new_status', 'paused', 'expected_return_date', x.expected_return_date, 'occurred_at', rfc3339(p_now)), now(), now()
    FROM passed x
    RETURNING 1)
  SELECT count(*) INTO queued_count FROM queued;
  PERFORM pg_notify('likeperson_outbox', '');
  RETURN queued_count;
END $$;

REVOKE EXECUTE ON FUNCTION jobs_certification_warnings(uuid, timestamptz), jobs_return_dates_passed(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jobs_certification_warnings(uuid, timestamptz), jobs_return_dates_passed(uuid, timestamptz) TO likeperson_worker;
