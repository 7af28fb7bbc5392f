DROP TRIGGER IF EXISTS assignments_publish_update ON assignments;
DROP FUNCTION IF EXISTS activity_record(uuid, timestamptz, text, text, timestamptz),
  assignment_update(uuid, text, boolean, text, int, timestamptz), assignment_create(uuid, uuid, text, text, timestamptz),
  assignment_lock_for(people, uuid, boolean), assignment_actor_manages(people, uuid, uuid), assignment_actor(),
  assignments_publish_update(), assignment_json(assignments), assignment_rfc3339(timestamptz);
DROP INDEX IF EXISTS assignments_org_newest;
ALTER TABLE assignments DROP CONSTRAINT IF EXISTS assignments_closed_by_requires_completed;

-- Back to the guard of 0001.
CREATE OR REPLACE FUNCTION assignments_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.peer_mentor_id IS DISTINCT FROM OLD.peer_mentor_id OR NEW.contact_id IS DISTINCT FROM OLD.contact_id
     OR NEW.organization_id IS DISTINCT FROM OLD.organization_id OR NEW.chapter_id IS DISTINCT FROM OLD.chapter_id
     OR NEW.mentor_assignment_sequence IS DISTINCT FROM OLD.mentor_assignment_sequence
     OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'immutable_field',
      DETAIL = 'peer_mentor_id, contact_id, organization_id, mentor_assignment_sequence and created_at never change; close this assignment and create a new one.';
  END IF;
  IF OLD.status = 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'assignment_closed', DETAIL = 'A completed assignment cannot change.';
  END IF;
  IF (OLD.status = 'pending' AND NEW.status = 'open') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'status_regression',
      DETAIL = format('Status moves forward only (open, pending, completed); %s -> %s is a step back.', OLD.status, NEW.status);
  END IF;
  IF NEW.status = 'completed' THEN
    NEW.closed_at := coalesce(NEW.closed_at, now());
    NEW.closed_by := coalesce(NEW.closed_by, current_person_id());
  END IF;
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;
DROP FUNCTION IF EXISTS assignment_status_rank(text);
