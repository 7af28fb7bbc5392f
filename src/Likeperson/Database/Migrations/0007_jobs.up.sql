-- Scheduled jobs: slot arithmetic for the scheduler and /readyz, the set-based follow-up job,
-- reconciliation, and the indexes the nightly selections need. The jobs run as the worker role;
-- every function here is for that role only. "Now" is always passed in (p_now, from TimeProvider).

-- A global job (retention: organization_id NULL) is claimed once per slot too: NULLs are distinct
-- in job_runs_one_per_slot, so it needs an index of its own.
CREATE UNIQUE INDEX job_runs_one_global_per_slot ON job_runs (job, slot) WHERE slot IS NOT NULL AND organization_id IS NULL;

-- Discrepancies are tracked while they last: one open row per mentor and kind, seen again by
-- every run that still finds it, resolved (never repaired by the job) once a run no longer does.
ALTER TABLE reconciliation_discrepancies ADD COLUMN last_seen_at timestamptz;
UPDATE reconciliation_discrepancies SET last_seen_at = found_at;
ALTER TABLE reconciliation_discrepancies ALTER COLUMN last_seen_at SET NOT NULL;
ALTER TABLE reconciliation_discrepancies ADD COLUMN resolved_at timestamptz;
ALTER TABLE reconciliation_discrepancies ADD CONSTRAINT reconciliation_discrepancies_kind_valid
  CHECK (kind IN ('status_mismatch', 'missing_live_pause', 'unexpected_live_pause', 'status_log_mismatch', 'status_log_gap'));
CREATE UNIQUE INDEX reconciliation_discrepancies_open ON reconciliation_discrepancies (organization_id, mentor_id, kind)
  WHERE resolved_at IS NULL;

-- certification-expiry: the eligible mentors of one organisation, found through an index.
CREATE INDEX peer_mentors_org_certification_due ON peer_mentors (organization_id, certification_expires_at)
  WHERE status IN ('active', 'pending_reactivation');
-- follow-up-reminders: open and pending assignments by the time their follow-up clock started.
CREATE INDEX assignments_follow_up_due ON assignments (organization_id, (coalesce(last_contact_date, created_at)))
  WHERE status IN ('open', 'pending');

-- The latest instant <= p_now whose local time in p_tz is p_at. A local time that does not exist
-- on a DST change day (02:30 when clocks jump from 02:00 to 03:00) is taken as PostgreSQL
-- resolves it (shifted forward), so every day has exactly one slot.
CREATE FUNCTION job_latest_slot(p_now timestamptz, p_tz text, p_at time) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN today <= p_now THEN today ELSE ((local_date - 1) + p_at) AT TIME ZONE p_tz END
  FROM (SELECT (p_now AT TIME ZONE p_tz)::date AS local_date) d,
       LATERAL (SELECT (d.local_date + p_at) AT TIME ZONE p_tz AS today) t $$;

-- Every job's latest slot at p_now: the nightly jobs per organisation at p_nightly_at local time,
-- the digest per organisation at its digest_hour, retention once globally at p_nightly_at UTC.
-- Slots before an organisation existed are left out (retention: before the first one). `covered` = the slot has its run, or a
-- run of that job started at or after the slot (a manual run stands in for a missed slot).
CREATE FUNCTION job_due_slots(p_now timestamptz, p_nightly_at time)
RETURNS TABLE (job text, organization_id uuid, slot timestamptz, covered boolean)
LANGUAGE sql STABLE AS $$
  WITH slots AS (
    SELECT j.job, o.id AS organization_id, job_latest_slot(p_now, o.timezone, p_nightly_at) AS slot, o.created_at
    FROM organizations o CROSS JOIN (VALUES ('certification-expiry'), ('follow-up-reminders'), ('reconciliation')) j(job)
    UNION ALL
    SELECT 'pause-digest', o.id, job_latest_slot(p_now, o.timezone, make_time(o.digest_hour, 0, 0)), o.created_at
    FROM organizations o
    UNION ALL
    SELECT 'retention', NULL, job_latest_slot(p_now, 'UTC', p_nightly_at), (SELECT min(created_at) FROM organizations))
  SELECT s.job, s.organization_id, s.slot, EXISTS (
    SELECT 1 FROM job_runs r
    WHERE r.job = s.job AND r.organization_id IS NOT DISTINCT FROM s.organization_id
      AND (r.slot = s.slot OR r.started_at >= s.slot))
  FROM slots s WHERE s.slot > s.created_at $$;

-- follow-up-reminders for one organisation, set-based: every open or pending assignment whose
-- last contact (or creation) is older than the reminder threshold gets a follow_up_reminder
-- outbox row, older than the escalation threshold also a follow_up_escalation, each once per
-- crossing: follow_up_notices remembers (assignment, level, basis = the time measured from), so a
-- new activity (a later basis) starts a new crossing. One NOTIFY wakes the dispatcher at the end.
CREATE FUNCTION jobs_follow_up_reminders(p_org uuid, p_now timestamptz)
RETURNS TABLE (due bigint, reminders bigint, escalations bigint)
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  o organizations;
BEGIN
  SELECT * INTO o FROM organizations WHERE id = p_org;
  IF o.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Organisation was not found.';
  END IF;
  RETURN QUERY
  WITH candidates AS (
    SELECT a.id, a.peer_mentor_id, a.chapter_id, coalesce(a.last_contact_date, a.created_at) AS basis
    FROM assignments a
    WHERE a.organization_id = p_org AND a.status IN ('open', 'pending')
      AND coalesce(a.last_contact_date, a.created_at) < p_now - make_interval(days => o.reminder_threshold_days)
  ), levels AS (
    SELECT c.*, 'reminder' AS level FROM candidates c
    UNION ALL
    SELECT c.*, 'escalation' FROM candidates c WHERE c.basis < p_now - make_interval(days => o.escalation_threshold_days)
  ), fresh AS (
    INSERT INTO follow_up_notices (assignment_id, organization_id, level, basis, sent_at)
    SELECT l.id, p_org, l.level, l.basis, p_now FROM levels l
    ON CONFLICT DO NOTHING
    RETURNING assignment_id, level, basis
  ), queued AS (
    INSERT INTO outbox (organization_id, kind, payload, created_at, available_at)
    SELECT p_org, 'follow_up_' || f.level, jsonb_build_object(
             'mentor_id', l.peer_mentor_id, 'assignment_id', l.id, 'chapter_id', l.chapter_id,
             'days_since_contact', floor(extract(epoch FROM p_now - l.basis) / 86400)::int,
             'occurred_at', to_char(p_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')), now(), now()
    FROM fresh f JOIN levels l ON l.id = f.assignment_id AND l.level = f.level
    ORDER BY l.id, f.level DESC
    RETURNING kind)
  SELECT (SELECT count(*) FROM candidates), count(*) FILTER (WHERE kind = 'follow_up_reminder'),
         count(*) FILTER (WHERE kind = 'follow_up_escalation')
  FROM queued;
  PERFORM pg_notify('likeperson_outbox', '');
END $$;

-- reconciliation for one organisation: compares each mentor's status with their live pause
-- record and their status log, in one snapshot, and records what disagrees. It repairs nothing.
--  missing_live_pause    paused / pending_reactivation without a live pause record
--  unexpected_live_pause active / inactive with a live pause record
--  status_mismatch       a live pause record whose status disagrees with the mentor's (expired_cert needs kind certification_expired)
--  status_log_mismatch   the last logged new_status (active when nothing is logged) is not the current status
--  status_log_gap        a logged previous_status that is not the new_status of the entry before it
CREATE FUNCTION jobs_reconcile(p_org uuid, p_run uuid, p_now timestamptz)
RETURNS TABLE (mentors_checked bigint, discrepancies bigint, new_discrepancies bigint, resolved bigint)
LANGUAGE sql SET search_path = public, pg_temp AS $$
  -- Two runs for one organisation at once take turns (a manual run beside the scheduled one).
  SELECT pg_advisory_xact_lock(hashtext('jobs_reconcile'), hashtext(p_org::text));
  WITH mentors AS (
    SELECT m.id, m.status, live.id AS pause_id, live.status AS pause_status, live.kind AS pause_kind, last.new_status AS logged
    FROM peer_mentors m
    LEFT JOIN pause_records live ON live.mentor_id = m.id AND live.status IN ('paused', 'expired_cert')
    LEFT JOIN LATERAL (SELECT l.new_status FROM mentor_status_log l WHERE l.mentor_id = m.id ORDER BY l.id DESC LIMIT 1) last ON true
    WHERE m.organization_id = p_org
  ), found AS (
    SELECT id AS mentor_id, 'missing_live_pause' AS kind, format('Status is %s but no pause record is live.', status) AS detail
    FROM mentors WHERE status IN ('paused', 'pending_reactivation') AND pause_id IS NULL
    UNION ALL
    SELECT id, 'unexpected_live_pause', format('Status is %s but pause record %s is still %s.', status, pause_id, pause_status)
    FROM mentors WHERE status IN ('active', 'inactive') AND pause_id IS NOT NULL
    UNION ALL
    SELECT id, 'status_mismatch', format('Live pause record %s is %s with kind %s.', pause_id, pause_status, pause_kind)
    FROM mentors WHERE pause_id IS NOT NULL AND (pause_status = 'expired_cert') <> (pause_kind = 'certification_expired')
    UNION ALL
    SELECT id, 'status_log_mismatch', format('Status is %s but the status log ends in %s.', status, coalesce(logged, 'nothing (active)'))
    FROM mentors WHERE status <> coalesce(logged, 'active')
    UNION ALL
    SELECT mentor_id, 'status_log_gap', format('Status log entry %s starts from %s, but the entry before it ended in %s.', id, previous_status, before)
    FROM (SELECT DISTINCT ON (mentor_id) mentor_id, id, previous_status, before FROM (
            SELECT l.mentor_id, l.id, l.previous_status, lag(l.new_status) OVER (PARTITION BY l.mentor_id ORDER BY l.id) AS before
            FROM mentor_status_log l WHERE l.organization_id = p_org) x
          WHERE before IS NOT NULL AND previous_status <> before ORDER BY mentor_id, id DESC) gaps
  ), seen AS (
    UPDATE reconciliation_discrepancies d SET last_seen_at = p_now, detail = f.detail
    FROM found f
    WHERE d.organization_id = p_org AND d.resolved_at IS NULL AND d.mentor_id = f.mentor_id AND d.kind = f.kind
    RETURNING d.id
  ), added AS (
    INSERT INTO reconciliation_discrepancies (run_id, organization_id, mentor_id, kind, detail, found_at, last_seen_at)
    SELECT p_run, p_org, f.mentor_id, f.kind, f.detail, p_now, p_now FROM found f
    WHERE NOT EXISTS (SELECT 1 FROM reconciliation_discrepancies d
                      WHERE d.organization_id = p_org AND d.resolved_at IS NULL AND d.mentor_id = f.mentor_id AND d.kind = f.kind)
    RETURNING id
  ), gone AS (
    UPDATE reconciliation_discrepancies d SET resolved_at = p_now
    WHERE d.organization_id = p_org AND d.resolved_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM found f WHERE f.mentor_id = d.mentor_id AND f.kind = d.kind)
    RETURNING d.id)
  SELECT (SELECT count(*) FROM mentors), (SELECT count(*) FROM found), (SELECT count(*) FROM added), (SELECT count(*) FROM gone) $$;

REVOKE EXECUTE ON FUNCTION job_latest_slot(timestamptz, text, time), job_due_slots(timestamptz, time),
  jobs_follow_up_reminders(uuid, timestamptz), jobs_reconcile(uuid, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_latest_slot(timestamptz, text, time), job_due_slots(timestamptz, time),
  jobs_follow_up_reminders(uuid, timestamptz), jobs_reconcile(uuid, uuid, timestamptz) TO likeperson_worker;
