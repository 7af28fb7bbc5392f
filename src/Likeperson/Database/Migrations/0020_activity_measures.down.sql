-- Back to the 0012 definition of activity_record (five arguments), then the activity measures go.
DROP FUNCTION IF EXISTS activity_record(uuid, timestamptz, text, text, timestamptz, int, int, text);
ALTER TABLE assignment_activities DROP COLUMN IF EXISTS duration_minutes, DROP COLUMN IF EXISTS participants, DROP COLUMN IF EXISTS mode;

CREATE FUNCTION public.activity_record(p_assignment uuid, p_occurred_at timestamp with time zone, p_kind text, p_note text, p_now timestamp with time zone) RETURNS public.assignment_activities
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  actor people := acting_person();
  a assignments;
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
  a := assignment_lock_for(actor, p_assignment, true);
  IF a.status = 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'assignment_closed',
      DETAIL = 'A completed assignment cannot change; activities are recorded on open or pending assignments.';
  END IF;
  INSERT INTO assignment_activities (assignment_id, organization_id, occurred_at, kind, note, recorded_by, created_at)
  VALUES (a.id, a.organization_id, p_occurred_at, btrim(coalesce(p_kind, 'contact')), p_note, actor.id, p_now)
  RETURNING * INTO act;
  -- Last, because the change event (from the update trigger) must be the transaction's last step.
  UPDATE assignments SET last_contact_date = p_occurred_at
  WHERE id = a.id AND (last_contact_date IS NULL OR last_contact_date < p_occurred_at);
  RETURN act;
END $$;

REVOKE EXECUTE ON FUNCTION activity_record(uuid, timestamptz, text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION activity_record(uuid, timestamptz, text, text, timestamptz) TO likeperson_app, likeperson_worker;
