-- Activities that count (issue 18.4): how long an activity took (duration_minutes, 1 to 1440, optional), how many took
-- part (participants, at least 1, default 1) and how it happened (mode: in_person, phone, video, written; optional).
-- The columns hold the rules as CHECK constraints; activity_record refuses each one first with its field named (LP422
-- with HINT), and refuses an activity on an assignment whose mentor is not active (422 peer_mentor_not_active).
-- activity_record keeps its five arguments and their meaning; the three new ones come after them and default to null
-- (null participants means 1), so existing calls record exactly what they did before.

ALTER TABLE assignment_activities
  ADD COLUMN duration_minutes int CONSTRAINT assignment_activities_duration_minutes_range CHECK (duration_minutes BETWEEN 1 AND 1440),
  ADD COLUMN participants int NOT NULL DEFAULT 1 CONSTRAINT assignment_activities_participants_positive CHECK (participants >= 1),
  ADD COLUMN mode text CONSTRAINT assignment_activities_mode_valid CHECK (mode IN ('in_person', 'phone', 'video', 'written'));

DROP FUNCTION activity_record(uuid, timestamptz, text, text, timestamptz);

CREATE FUNCTION activity_record(p_assignment uuid, p_occurred_at timestamptz, p_kind text, p_note text, p_now timestamptz,
  p_duration_minutes int DEFAULT NULL, p_participants int DEFAULT NULL, p_mode text DEFAULT NULL)
RETURNS assignment_activities
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor people := acting_person();
  a assignments;
  m peer_mentors;
  act assignment_activities;
BEGIN
  IF p_occurred_at IS NULL OR p_occurred_at > p_now THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'occurred_at',
      DETAIL = 'occurred_at is required and may not be in the future.';
  END IF;
  IF char_length(btrim(coalesce(p_kind, 'contact'))) NOT BETWEEN 1 AND 50 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'kind', DETAIL = 'kind is 1 to 50 characters.';
  END IF;
  IF char_length(p_note) > 2000 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'note', DETAIL = 'note may be at most 2000 characters.';
  END IF;
  IF p_duration_minutes NOT BETWEEN 1 AND 1440 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'duration_minutes',
      DETAIL = 'duration_minutes is a whole number of minutes from 1 to 1440.';
  END IF;
  IF p_participants < 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'participants',
      DETAIL = 'participants is at least 1.';
  END IF;
  IF p_mode NOT IN ('in_person', 'phone', 'video', 'written') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'mode',
      DETAIL = 'mode is one of in_person, phone, video, written.';
  END IF;
  a := assignment_lock_for(actor, p_assignment, true);
  IF a.status = 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'assignment_closed',
      DETAIL = 'A completed assignment cannot change; activities are recorded on open or pending assignments.';
  END IF;
  -- Shared lock: a pause (which updates the row) waits for this activity, and this one sees a pause that committed.
  SELECT * INTO m FROM peer_mentors WHERE id = a.peer_mentor_id FOR SHARE;
  IF m.status <> 'active' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'peer_mentor_not_active',
      DETAIL = format('The assignment''s peer mentor is %s; only an active mentor''s activities are recorded.', m.status);
  END IF;
  INSERT INTO assignment_activities (assignment_id, organization_id, occurred_at, kind, note, recorded_by, created_at,
    duration_minutes, participants, mode)
  VALUES (a.id, a.organization_id, p_occurred_at, btrim(coalesce(p_kind, 'contact')), p_note, actor.id, p_now,
    p_duration_minutes, coalesce(p_participants, 1), p_mode)
  RETURNING * INTO act;
  -- Last, because the change event (from the update trigger) must be the transaction's last step.
  UPDATE assignments SET last_contact_date = p_occurred_at
  WHERE id = a.id AND (last_contact_date IS NULL OR last_contact_date < p_occurred_at);
  RETURN act;
END $$;

REVOKE EXECUTE ON FUNCTION activity_record(uuid, timestamptz, text, text, timestamptz, int, int, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION activity_record(uuid, timestamptz, text, text, timestamptz, int, int, text) TO likeperson_app, likeperson_worker;
