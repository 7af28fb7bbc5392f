-- Assignments: their JSON shape, the transition functions (create, update, record an activity)
-- and the guards that keep direct writes honest. The functions are SECURITY DEFINER and decide
-- authorisation themselves from current_person_id(); with no person set they are allowed only for
-- the worker or owner (session_user <> likeperson_app), acting as the system (actor NULL).

-- Closed_by belongs to a completed assignment only (closed_at already has its CHECK in 0001).
ALTER TABLE assignments ADD CONSTRAINT assignments_closed_by_requires_completed
  CHECK (closed_by IS NULL OR status = 'completed');

-- The board, newest first: an org admin's page (and a coordinator's, filtered) is an index scan that stops at the page size.
CREATE INDEX assignments_org_newest ON assignments (organization_id, created_at DESC, id);

CREATE FUNCTION assignment_rfc3339(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- Exactly what GET /api/v1/assignments/{id} returns and what assignment.* events carry.
CREATE FUNCTION assignment_json(a assignments) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', a.id, 'peer_mentor_id', a.peer_mentor_id, 'contact_id', a.contact_id, 'organization_id', a.organization_id,
    'status', a.status, 'last_contact_date', assignment_rfc3339(a.last_contact_date),
    'mentor_assignment_sequence', a.mentor_assignment_sequence, 'created_at', assignment_rfc3339(a.created_at),
    'closed_at', assignment_rfc3339(a.closed_at), 'created_by', a.created_by, 'closed_by', a.closed_by,
    'notes', a.notes, 'honorarium_threshold_triggered', a.honorarium_threshold_triggered, 'version', a.version) $$;

CREATE FUNCTION assignment_status_rank(s text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE s WHEN 'open' THEN 0 WHEN 'pending' THEN 1 WHEN 'completed' THEN 2 END $$;

-- The guard of 0001, extended: the honorarium record is written once at creation and never
-- changes; regression is judged by rank; version and updated_at move only on a real change.
CREATE OR REPLACE FUNCTION assignments_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.peer_mentor_id IS DISTINCT FROM OLD.peer_mentor_id OR NEW.contact_id IS DISTINCT FROM OLD.contact_id
     OR NEW.organization_id IS DISTINCT FROM OLD.organization_id OR NEW.chapter_id IS DISTINCT FROM OLD.chapter_id
     OR NEW.mentor_assignment_sequence IS DISTINCT FROM OLD.mentor_assignment_sequence
     OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by
     OR NEW.honorarium_threshold_triggered IS DISTINCT FROM OLD.honorarium_threshold_triggered THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'immutable_field',
      DETAIL = 'peer_mentor_id, contact_id, organization_id, mentor_assignment_sequence, created_at, created_by and '
               'honorarium_threshold_triggered never change; close this assignment and create a new one.';
  END IF;
  IF OLD.status = 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'assignment_closed', DETAIL = 'A completed assignment cannot change.';
  END IF;
  IF assignment_status_rank(NEW.status) < assignment_status_rank(OLD.status) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'status_regression',
      DETAIL = format('Status moves forward only (open, pending, completed); %s -> %s is a step back.', OLD.status, NEW.status);
  END IF;
  IF NEW.status = 'completed' THEN
    NEW.closed_at := coalesce(NEW.closed_at, now());
    NEW.closed_by := coalesce(NEW.closed_by, current_person_id());
  END IF;
  NEW.version := OLD.version;
  NEW.updated_at := OLD.updated_at;
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;

-- Every change of an assignment reaches the stream, however it was written (the application
-- role may UPDATE status and notes directly; RLS and the guard keep that honest).
CREATE FUNCTION assignments_publish_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.version <> OLD.version THEN
    PERFORM emit_change(NEW.organization_id, 'assignment.updated', ARRAY[NEW.chapter_id], NEW.peer_mentor_id, NULL, assignment_json(NEW));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER assignments_publish_update AFTER UPDATE ON assignments FOR EACH ROW EXECUTE FUNCTION assignments_publish_update();

-- Who is acting: the person set for this transaction, or NULL for the system (worker/owner only).
CREATE FUNCTION assignment_actor() RETURNS people
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  p people;
BEGIN
  IF current_person_id() IS NULL THEN
    IF session_user = 'likeperson_app' THEN
      RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No person is acting.';
    END IF;
    RETURN NULL;
  END IF;
  SELECT * INTO p FROM people WHERE id = current_person_id();
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No such person in any organisation.';
  END IF;
  RETURN p;
END $$;

-- May the actor see / manage assignments of this chapter? (NULL actor = the system: yes.)
CREATE FUNCTION assignment_actor_manages(actor people, p_org uuid, p_chapter uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT actor.id IS NULL OR (actor.organization_id = p_org AND (actor.org_admin OR EXISTS (
    SELECT 1 FROM chapter_memberships WHERE person_id = actor.id AND chapter_id = p_chapter AND role = 'coordinator')))
$$;

-- Create: the mentor's row is locked FOR UPDATE, so the status check and the sequence
-- (count of the mentor's earlier assignments in the organisation + 1) are decided under one lock:
-- concurrent creates for one mentor take turns, never share or skip a number, and a pause
-- cannot slip in between the check and the insert. Milestones are recorded and queued once.
CREATE FUNCTION assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamptz)
RETURNS assignments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor people := assignment_actor();
  c contacts;
  m peer_mentors;
  org organizations;
  seq int;
  milestone jsonb;
  a assignments;
BEGIN
  IF p_status IS NULL OR p_status NOT IN ('open', 'pending') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'status',
      DETAIL = 'A new assignment is open or pending.';
  END IF;
  IF char_length(p_notes) > 2000 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'notes', DETAIL = 'notes may be at most 2000 characters.';
  END IF;
  SELECT * INTO c FROM contacts WHERE id = p_contact;
  IF c.id IS NULL OR NOT (assignment_actor_manages(actor, c.organization_id, c.chapter_id)
      OR (actor.organization_id = c.organization_id
          AND EXISTS (SELECT 1 FROM assignments WHERE contact_id = c.id AND peer_mentor_id = actor.id))) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Contact was not found.';
  END IF;
  IF NOT assignment_actor_manages(actor, c.organization_id, c.chapter_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only a coordinator of the contact''s chapter or an org admin may create assignments.';
  END IF;
  SELECT * INTO m FROM peer_mentors WHERE id = p_peer_mentor;
  IF m.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Peer mentor was not found.';
  END IF;
  IF m.organization_id <> c.organization_id THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'organization_mismatch', HINT = 'peer_mentor_id',
      DETAIL = 'The peer mentor and the contact belong to different organisations.';
  END IF;
  -- A coordinator assigns the mentors they supervise; an org admin any mentor of the organisation.
  IF actor.id IS NOT NULL AND NOT actor.org_admin AND NOT EXISTS (
       SELECT 1 FROM chapter_memberships mm JOIN chapter_memberships cm ON cm.chapter_id = mm.chapter_id
       WHERE mm.person_id = m.id AND mm.role = 'peer_mentor' AND cm.person_id = actor.id AND cm.role = 'coordinator') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Peer mentor was not found.';
  END IF;

  SELECT * INTO m FROM peer_mentors WHERE id = p_peer_mentor FOR UPDATE;
  IF m.status <> 'active' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'peer_mentor_not_active', HINT = 'peer_mentor_id',
      DETAIL = format('The peer mentor is %s; only an active mentor takes new assignments.', m.status);
  END IF;
  SELECT count(*) + 1 INTO seq FROM assignments WHERE peer_mentor_id = m.id AND organization_id = m.organization_id;

  SELECT * INTO org FROM organizations WHERE id = c.organization_id;
  a.id := gen_random_uuid();
  IF cardinality(org.honorarium_thresholds) > 0 THEN
    milestone := '{}';
    IF seq = ANY (org.honorarium_thresholds) THEN
      milestone := jsonb_build_object('threshold_' || seq, assignment_rfc3339(p_now));
      PERFORM enqueue_outbox(org.id, 'honorarium_threshold_reached', jsonb_build_object(
        'assignment_id', a.id, 'mentor_id', m.id, 'mentor_display_name', (SELECT display_name FROM people WHERE id = m.id),
        'chapter_id', c.chapter_id, 'threshold', seq, 'sequence', seq, 'actor_id', actor.id,
        'occurred_at', assignment_rfc3339(p_now)));
    END IF;
  END IF;

  INSERT INTO assignments (id, peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence,
                           created_at, updated_at, created_by, notes, honorarium_threshold_triggered)
  VALUES (a.id, m.id, c.id, c.organization_id, c.chapter_id, p_status, seq, p_now, p_now, actor.id, p_notes, milestone)
  RETURNING * INTO a;
  PERFORM emit_change(a.organization_id, 'assignment.created', ARRAY[a.chapter_id], a.peer_mentor_id, NULL, assignment_json(a));
  RETURN a;
END $$;

-- The assignment locked for a change by the actor: 404 outside their scope, 403 for the mentor
-- (who sees it but may only record activities unless p_mentor_may is set).
CREATE FUNCTION assignment_lock_for(actor people, p_id uuid, p_mentor_may boolean) RETURNS assignments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  a assignments;
BEGIN
  SELECT * INTO a FROM assignments WHERE id = p_id FOR UPDATE;
  IF a.id IS NULL OR NOT (assignment_actor_manages(actor, a.organization_id, a.chapter_id)
                         OR (actor.organization_id = a.organization_id AND a.peer_mentor_id = actor.id)) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Assignment was not found.';
  END IF;
  IF NOT p_mentor_may AND NOT assignment_actor_manages(actor, a.organization_id, a.chapter_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only a coordinator of the assignment''s chapter or an org admin may change it.';
  END IF;
  RETURN a;
END $$;

-- Update status and/or notes (p_set_notes distinguishes "clear the notes" from "leave them").
-- Status moves forward only; completing sets closed_at (p_now) and closed_by (the actor).
CREATE FUNCTION assignment_update(p_id uuid, p_status text, p_set_notes boolean, p_notes text, p_expected_version int,
                                  p_now timestamptz)
RETURNS assignments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor people := assignment_actor();
  a assignments;
  new_status text;
  new_notes text;
BEGIN
  IF p_status IS NOT NULL AND p_status NOT IN ('open', 'pending', 'completed') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'status',
      DETAIL = 'status is open, pending or completed.';
  END IF;
  IF p_set_notes AND char_length(p_notes) > 2000 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'notes', DETAIL = 'notes may be at most 2000 characters.';
  END IF;
  a := assignment_lock_for(actor, p_id, false);
  IF p_expected_version IS NOT NULL AND p_expected_version <> a.version THEN
    RAISE EXCEPTION USING ERRCODE = 'LP412', MESSAGE = 'version_mismatch',
      DETAIL = format('The assignment is at version %s, not %s; fetch it and try again.', a.version, p_expected_version);
  END IF;
  new_status := coalesce(p_status, a.status);
  new_notes := CASE WHEN p_set_notes THEN p_notes ELSE a.notes END;
  IF new_status = a.status AND new_notes IS NOT DISTINCT FROM a.notes AND p_status IS NULL AND NOT p_set_notes THEN
    RETURN a; -- nothing asked for
  END IF;
  IF a.status = 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'assignment_closed', DETAIL = 'A completed assignment cannot change.';
  END IF;
  IF assignment_status_rank(new_status) < assignment_status_rank(a.status) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'status_regression', HINT = 'status',
      DETAIL = format('Status moves forward only (open, pending, completed); %s -> %s is a step back.', a.status, new_status);
  END IF;
  IF new_status = a.status AND new_notes IS NOT DISTINCT FROM a.notes THEN
    RETURN a; -- already so: no new version, no event
  END IF;
  UPDATE assignments SET status = new_status, notes = new_notes,
         closed_at = CASE WHEN new_status = 'completed' THEN p_now END,
         closed_by = CASE WHEN new_status = 'completed' THEN actor.id END
  WHERE id = a.id RETURNING * INTO a;
  RETURN a;
END $$;

-- Record an activity: the assigned mentor, the chapter's coordinators and org admins.
-- last_contact_date only moves forward, so an older activity recorded late never moves it back.
CREATE FUNCTION activity_record(p_assignment uuid, p_occurred_at timestamptz, p_kind text, p_note text, p_now timestamptz)
RETURNS assignment_activities
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor people := assignment_actor();
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

REVOKE EXECUTE ON FUNCTION assignment_rfc3339(timestamptz), assignment_json(assignments), assignment_status_rank(text),
  assignments_publish_update(), assignment_actor(), assignment_actor_manages(people, uuid, uuid),
  assignment_lock_for(people, uuid, boolean), assignment_create(uuid, uuid, text, text, timestamptz),
  assignment_update(uuid, text, boolean, text, int, timestamptz),
  activity_record(uuid, timestamptz, text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION assignment_rfc3339(timestamptz), assignment_json(assignments), assignment_status_rank(text),
  assignment_create(uuid, uuid, text, text, timestamptz), assignment_update(uuid, text, boolean, text, int, timestamptz),
  activity_record(uuid, timestamptz, text, text, timestamptz) TO likeperson_app, likeperson_worker;
