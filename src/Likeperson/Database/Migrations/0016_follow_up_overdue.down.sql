-- Back to the 0012 definition of jobs_follow_up_reminders (its own threshold tests), then the rule's function goes.
CREATE OR REPLACE FUNCTION public.jobs_follow_up_reminders(p_org uuid, p_now timestamp with time zone) RETURNS TABLE(due bigint, reminders bigint, escalations bigint)
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    SET work_mem TO '64MB'
    AS $$
DECLARE
  o organizations;
BEGIN
  SELECT * INTO o FROM organizations WHERE id = p_org;
  IF o.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Organisation was not found.';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('jobs_follow_up_reminders'), hashtext(p_org::text));
  RETURN QUERY
  WITH candidates AS (
    SELECT a.id, a.peer_mentor_id, a.chapter_id, coalesce(a.last_contact_date, a.created_at) AS basis
    FROM assignments a
    WHERE a.organization_id = p_org AND a.status IN ('open', 'pending')
      AND coalesce(a.last_contact_date, a.created_at) < p_now - make_interval(days => o.reminder_threshold_days)
  ), crossings AS (
    SELECT l.* FROM (
      SELECT c.*, 'reminder' AS level FROM candidates c
      UNION ALL
      SELECT c.*, 'escalation' FROM candidates c WHERE c.basis < p_now - make_interval(days => o.escalation_threshold_days)) l
    WHERE NOT EXISTS (SELECT 1 FROM follow_up_notices n WHERE n.assignment_id = l.id AND n.level = l.level AND n.basis = l.basis)
  ), noticed AS (
    INSERT INTO follow_up_notices (assignment_id, organization_id, level, basis, sent_at)
    SELECT x.id, p_org, x.level, x.basis, p_now FROM crossings x
    ON CONFLICT DO NOTHING
  ), queued AS (
    INSERT INTO outbox (organization_id, kind, payload, created_at, available_at)
    SELECT p_org, 'follow_up_' || x.level, jsonb_build_object(
             'mentor_id', x.peer_mentor_id,
             'mentor_display_name', (SELECT display_name FROM people WHERE id = x.peer_mentor_id), 'assignment_id', x.id, 'chapter_id', x.chapter_id,
             'days_since_contact', floor(extract(epoch FROM p_now - x.basis) / 86400)::int,
             'occurred_at', rfc3339(p_now)), now(), now()
    FROM crossings x
    RETURNING kind)
  SELECT (SELECT count(*) FROM candidates), count(*) FILTER (WHERE kind = 'follow_up_reminder'),
         count(*) FILTER (WHERE kind = 'follow_up_escalation')
  FROM queued;
  PERFORM pg_notify('likeperson_outbox', '');
END $$;

DROP FUNCTION IF EXISTS follow_up_overdue(text, timestamptz, timestamptz, int, text, timestamptz);
