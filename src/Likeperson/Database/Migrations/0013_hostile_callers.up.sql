-- 0013: hostile and careless callers.
-- 1. assignment_create: another organisation's mentor is 404 not_found for a person, like a random id.
-- 2. device_register: a token held by a person of another organisation is not moved (409 device_in_use) until
--    its owner deletes it (signs out on that phone) or push reports it unregistered; within one organisation it
--    still moves (a phone handed over). At most 20 tokens per person: registering one more drops the one
--    registered longest ago.
-- 3. job_runs: one manual run of a job per organisation at a time.

CREATE OR REPLACE FUNCTION assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamptz)
RETURNS assignments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor people := acting_person();
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
  -- Another organisation's mentor is "not found" for a person, exactly like a random id (API.md: never reveal
  -- other organisations' ids); organization_mismatch stays the guarantee for callers without an identity (the worker).
  IF m.id IS NULL OR (actor.id IS NOT NULL AND m.organization_id <> actor.organization_id) THEN
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
      milestone := jsonb_build_object('threshold_' || seq, rfc3339(p_now));
      PERFORM enqueue_outbox(org.id, 'honorarium_threshold_reached', jsonb_build_object(
        'assignment_id', a.id, 'mentor_id', m.id, 'mentor_display_name', (SELECT display_name FROM people WHERE id = m.id),
        'chapter_id', c.chapter_id, 'threshold', seq, 'sequence', seq, 'actor_id', actor.id,
        'occurred_at', rfc3339(p_now)));
    END IF;
  END IF;

  INSERT INTO assignments (id, peer_mentor_id, contact_id, organization_id, chapter_id, status, mentor_assignment_sequence,
                           created_at, updated_at, created_by, notes, honorarium_threshold_triggered)
  VALUES (a.id, m.id, c.id, c.organization_id, c.chapter_id, p_status, seq, p_now, p_now, actor.id, p_notes, milestone)
  RETURNING * INTO a;
  PERFORM emit_change(a.organization_id, 'assignment.created', ARRAY[a.chapter_id], a.peer_mentor_id, NULL, assignment_json(a));
  RETURN a;
END $$;

ALTER TABLE devices ADD COLUMN last_registered_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX devices_person_registered ON devices (person_id, last_registered_at DESC, token);
DROP INDEX devices_person; -- the new index leads with person_id

CREATE OR REPLACE FUNCTION device_register(p_token text, p_platform text) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me uuid := current_person_id();
  org uuid := (SELECT organization_id FROM people WHERE id = me);
  holder devices;
  registered timestamptz;
BEGIN
  IF org IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No such person in any organisation.';
  END IF;
  SELECT * INTO holder FROM devices WHERE token = p_token FOR UPDATE;
  IF holder.token IS NOT NULL AND holder.organization_id <> org THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'device_in_use', HINT = 'token',
      DETAIL = 'This device token is registered to a person of another organisation; it moves only after that person signs out on the device (DELETE /api/v1/me/devices/{token}).';
  END IF;
  INSERT INTO devices AS d (token, person_id, organization_id, platform) VALUES (p_token, me, org, p_platform)
  ON CONFLICT (token) DO UPDATE SET person_id = excluded.person_id, organization_id = excluded.organization_id,
    platform = excluded.platform, created_at = CASE WHEN d.person_id = excluded.person_id THEN d.created_at ELSE now() END,
    last_registered_at = now()
  RETURNING created_at INTO registered;
  DELETE FROM devices WHERE token IN (
    SELECT token FROM devices WHERE person_id = me ORDER BY last_registered_at DESC, token OFFSET 20);
  RETURN registered;
END $$;

-- A crashed instance leaves its manual run 'running'; it is failed when the next manual run of that job starts
-- after Jobs:Schedule:StuckAfter (JobRunner), so this index never blocks for good.
UPDATE job_runs r SET status = 'failed', finished_at = now(), error = 'Interrupted: superseded by a later manual run (migration 0013).'
WHERE trigger = 'manual' AND status = 'running' AND EXISTS (
  SELECT 1 FROM job_runs later WHERE later.trigger = 'manual' AND later.status = 'running' AND later.job = r.job
    AND later.organization_id IS NOT DISTINCT FROM r.organization_id AND (later.started_at, later.id) > (r.started_at, r.id));
CREATE UNIQUE INDEX job_runs_one_manual_running ON job_runs (job, organization_id) NULLS NOT DISTINCT
  WHERE trigger = 'manual' AND status = 'running';
