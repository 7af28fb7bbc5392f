-- Back to 0011: the dropped functions as 0011 left them, then the callers with their 0011 bodies.

CREATE FUNCTION public.mentor_actor() RETURNS public.people
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
REVOKE ALL ON FUNCTION public.mentor_actor() FROM PUBLIC;

CREATE FUNCTION public.assignment_actor() RETURNS public.people
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
REVOKE ALL ON FUNCTION public.assignment_actor() FROM PUBLIC;

CREATE FUNCTION public.mentor_rfc3339(t timestamp with time zone) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;
REVOKE ALL ON FUNCTION public.mentor_rfc3339(t timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_rfc3339(t timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_rfc3339(t timestamp with time zone) TO likeperson_worker;

CREATE FUNCTION public.assignment_rfc3339(t timestamp with time zone) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;
REVOKE ALL ON FUNCTION public.assignment_rfc3339(t timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.assignment_rfc3339(t timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.assignment_rfc3339(t timestamp with time zone) TO likeperson_worker;

CREATE FUNCTION public.notification_audience(p_org uuid, p_mentor uuid, p_chapter uuid) RETURNS TABLE(person_id uuid, via text)
    LANGUAGE sql STABLE
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT a.person_id, a.via FROM notification_audiences(ARRAY[0::bigint], ARRAY[p_org], ARRAY[p_mentor], ARRAY[p_chapter]) a $$;
REVOKE ALL ON FUNCTION public.notification_audience(p_org uuid, p_mentor uuid, p_chapter uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_audience(p_org uuid, p_mentor uuid, p_chapter uuid) TO likeperson_worker;

CREATE FUNCTION public.notification_create(p_id uuid, p_org uuid, p_recipient uuid, p_type text, p_channel text, p_status text, p_title text, p_body text, p_data jsonb, p_mentor uuid, p_pause uuid, p_assignment uuid, p_outbox bigint, p_key text, p_error text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
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
REVOKE ALL ON FUNCTION public.notification_create(p_id uuid, p_org uuid, p_recipient uuid, p_type text, p_channel text, p_status text, p_title text, p_body text, p_data jsonb, p_mentor uuid, p_pause uuid, p_assignment uuid, p_outbox bigint, p_key text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_create(p_id uuid, p_org uuid, p_recipient uuid, p_type text, p_channel text, p_status text, p_title text, p_body text, p_data jsonb, p_mentor uuid, p_pause uuid, p_assignment uuid, p_outbox bigint, p_key text, p_error text) TO likeperson_worker;

CREATE OR REPLACE FUNCTION public.activity_record(p_assignment uuid, p_occurred_at timestamp with time zone, p_kind text, p_note text, p_now timestamp with time zone) RETURNS public.assignment_activities
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE OR REPLACE FUNCTION public.assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamp with time zone) RETURNS public.assignments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE OR REPLACE FUNCTION public.assignment_update(p_id uuid, p_status text, p_set_notes boolean, p_notes text, p_expected_version integer, p_now timestamp with time zone) RETURNS public.assignments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE OR REPLACE FUNCTION public.mentor_acknowledge(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'acknowledge', NULL, NULL, p_expected_version, p_now, mentor_actor()) $$;

CREATE OR REPLACE FUNCTION public.mentor_certification_set(p_mentor uuid, p_expires_at date, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  actor people := mentor_actor();
  m peer_mentors;
  relation text;
BEGIN
  SELECT * INTO m FROM peer_mentors WHERE id = p_mentor;
  relation := CASE WHEN m.id IS NULL THEN NULL ELSE mentor_actor_relation(actor, m.id, m.organization_id) END;
  IF relation IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Mentor was not found.';
  END IF;
  IF relation = 'self' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only a coordinator of the mentor''s chapter or an org admin may change a certification.';
  END IF;
  IF p_expires_at IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'expires_at', DETAIL = 'expires_at is required.';
  END IF;
  SELECT * INTO m FROM peer_mentors WHERE id = p_mentor FOR UPDATE;
  IF p_expected_version IS NOT NULL AND p_expected_version <> m.version THEN
    RAISE EXCEPTION USING ERRCODE = 'LP412', MESSAGE = 'version_mismatch',
      DETAIL = format('The mentor is at version %s, not %s; fetch them and try again.', m.version, p_expected_version);
  END IF;
  UPDATE peer_mentors SET certification_expires_at = p_expires_at, version = version + 1 WHERE id = m.id RETURNING * INTO m;
  RETURN m;
END $$;

CREATE OR REPLACE FUNCTION public.mentor_deactivate(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'deactivate', p_reason, NULL, p_expected_version, p_now, mentor_actor()) $$;

CREATE OR REPLACE FUNCTION public.mentor_hold(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'hold', p_reason, NULL, p_expected_version, p_now, mentor_actor()) $$;

CREATE OR REPLACE FUNCTION public.mentor_pause(p_mentor uuid, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'pause', p_reason, p_expected_return_date, p_expected_version, p_now, mentor_actor()) $$;

CREATE OR REPLACE FUNCTION public.mentor_reactivate(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'reactivate', NULL, NULL, p_expected_version, p_now, mentor_actor()) $$;

CREATE OR REPLACE FUNCTION public.assignment_json(a public.assignments) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  SELECT jsonb_build_object(
    'id', a.id, 'peer_mentor_id', a.peer_mentor_id, 'contact_id', a.contact_id, 'organization_id', a.organization_id,
    'status', a.status, 'last_contact_date', assignment_rfc3339(a.last_contact_date),
    'mentor_assignment_sequence', a.mentor_assignment_sequence, 'created_at', assignment_rfc3339(a.created_at),
    'closed_at', assignment_rfc3339(a.closed_at), 'created_by', a.created_by, 'closed_by', a.closed_by,
    'notes', a.notes, 'honorarium_threshold_triggered', a.honorarium_threshold_triggered, 'version', a.version) $$;

CREATE OR REPLACE FUNCTION public.mentor_transition(p_mentor uuid, p_transition text, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone, actor public.people) RETURNS public.peer_mentors
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  m peer_mentors;
  org organizations;
  relation text;
  today date;
  reason text := mentor_clean_text(p_reason);
  live pause_records;
  new_status text;
  pause_kind text;
  pause_id uuid;
  prior_days int;
  display_name text;
  occurred text := mentor_rfc3339(p_now);
  previous text;
BEGIN
  IF p_now IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', DETAIL = 'The time of the transition is required.';
  END IF;
  SELECT * INTO m FROM peer_mentors WHERE id = p_mentor;
  relation := CASE WHEN m.id IS NULL THEN NULL ELSE mentor_actor_relation(actor, m.id, m.organization_id) END;
  IF relation IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Mentor was not found.';
  END IF;
  IF relation = 'self' AND p_transition NOT IN ('pause', 'reactivate') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = format('Only a coordinator of the mentor''s chapter or an org admin may %s a mentor.',
                      CASE p_transition WHEN 'acknowledge' THEN 'acknowledge the reactivation of' WHEN 'hold' THEN 'hold the reactivation of'
                                        ELSE p_transition END);
  END IF;
  IF p_transition = 'certification_expiry' AND relation <> 'system' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden', DETAIL = 'Only the certification-expiry job pauses a mentor for an expired certification.';
  END IF;

  SELECT * INTO org FROM organizations WHERE id = m.organization_id;
  today := (p_now AT TIME ZONE org.timezone)::date;
  IF char_length(reason) > 200 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'reason',
      DETAIL = 'reason may be at most 200 characters.';
  END IF;
  IF p_transition = 'deactivate' AND reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'reason', DETAIL = 'A deactivation needs a reason.';
  END IF;
  IF p_transition = 'pause' AND p_expected_return_date < today THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'expected_return_date',
      DETAIL = format('expected_return_date may not be before today (%s in %s).', today, org.timezone);
  END IF;

  -- From here on under the row lock: concurrent transitions of one mentor take turns, and each
  -- sees the state its predecessor committed.
  SELECT * INTO m FROM peer_mentors WHERE id = p_mentor FOR UPDATE;
  IF p_expected_version IS NOT NULL AND p_expected_version <> m.version THEN
    RAISE EXCEPTION USING ERRCODE = 'LP412', MESSAGE = 'version_mismatch',
      DETAIL = format('The mentor is at version %s, not %s; fetch them and try again.', m.version, p_expected_version);
  END IF;
  IF NOT (CASE p_transition
            WHEN 'pause' THEN m.status = 'active'
            WHEN 'reactivate' THEN m.status = 'paused'
            WHEN 'acknowledge' THEN m.status = 'pending_reactivation'
            WHEN 'hold' THEN m.status = 'pending_reactivation'
            WHEN 'deactivate' THEN m.status IN ('active', 'paused', 'pending_reactivation')
            WHEN 'certification_expiry' THEN m.status IN ('active', 'pending_reactivation')
          END) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'invalid_transition',
      DETAIL = format('A mentor who is %s cannot be %s.', m.status, CASE p_transition
        WHEN 'pause' THEN 'paused' WHEN 'reactivate' THEN 'reactivated' WHEN 'acknowledge' THEN 'acknowledged'
        WHEN 'hold' THEN 'held' WHEN 'deactivate' THEN 'deactivated' ELSE 'auto-paused' END);
  END IF;
  IF p_transition IN ('reactivate', 'acknowledge') AND m.certification_expires_at < today THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'certification_expired', HINT = 'certification_expires_at',
      DETAIL = format('The certification expired on %s; renew it (PUT /mentors/{id}/certification) before reactivating.', m.certification_expires_at);
  END IF;

  SELECT * INTO live FROM pause_records WHERE mentor_id = m.id AND status IN ('paused', 'expired_cert') FOR UPDATE;
  CASE p_transition
    WHEN 'pause' THEN
      new_status := 'paused';
      pause_kind := CASE WHEN relation = 'self' THEN 'voluntary' ELSE 'coordinator' END;
      INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, expected_return_date, paused_at,
                                 coordinator_id, created_at)
      VALUES (m.id, m.organization_id, 'paused', pause_kind, reason, p_expected_return_date, p_now,
              CASE WHEN relation = 'self' THEN NULL ELSE actor.id END, p_now)
      RETURNING id INTO pause_id;
    WHEN 'reactivate' THEN
      new_status := CASE WHEN org.require_reactivation_ack AND relation = 'self' THEN 'pending_reactivation' ELSE 'active' END;
      IF live.id IS NOT NULL THEN
        prior_days := floor(extract(epoch FROM (p_now - live.paused_at)) / 86400)::int;
        IF new_status = 'active' THEN
          UPDATE pause_records SET status = 'active', ended_at = greatest(p_now, paused_at), reactivated_at = greatest(p_now, paused_at)
          WHERE id = live.id;
        END IF;
      END IF;
    WHEN 'acknowledge' THEN
      new_status := 'active';
      IF live.id IS NOT NULL THEN
        prior_days := floor(extract(epoch FROM (p_now - live.paused_at)) / 86400)::int;
        UPDATE pause_records SET status = 'active', ended_at = greatest(p_now, paused_at), reactivated_at = greatest(p_now, paused_at)
        WHERE id = live.id;
      END IF;
    WHEN 'hold' THEN
      new_status := 'paused';
      IF live.id IS NULL THEN -- a pending mentor always has a live record; should one be missing, the hold opens it
        INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, paused_at, coordinator_id, created_at)
        VALUES (m.id, m.organization_id, 'paused', 'coordinator', reason, p_now, actor.id, p_now)
        RETURNING * INTO live;
      END IF;
    WHEN 'deactivate' THEN
      new_status := 'inactive';
      IF live.id IS NOT NULL THEN
        UPDATE pause_records SET status = 'active', ended_at = greatest(p_now, paused_at) WHERE id = live.id;
      END IF;
    WHEN 'certification_expiry' THEN
      new_status := 'paused';
      IF live.id IS NOT NULL THEN
        UPDATE pause_records SET status = 'active', ended_at = greatest(p_now, paused_at) WHERE id = live.id;
      END IF;
      pause_kind := 'certification_expired';
      reason := 'certification_expired';
      INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, paused_at, created_at)
      VALUES (m.id, m.organization_id, 'expired_cert', 'certification_expired', 'certification_expired', p_now, p_now)
      RETURNING id INTO pause_id;
  END CASE;
  IF pause_id IS NULL THEN
    pause_id := live.id;
    pause_kind := live.kind;
  END IF;

  previous := m.status;
  UPDATE peer_mentors SET status = new_status, version = version + 1 WHERE id = m.id RETURNING * INTO m;
  INSERT INTO mentor_status_log (organization_id, mentor_id, transition, previous_status, new_status, version, kind, reason,
                                 actor_id, pause_id, occurred_at)
  VALUES (m.organization_id, m.id, p_transition, previous, new_status, m.version, pause_kind, reason, actor.id, pause_id, p_now);

  SELECT p.display_name INTO display_name FROM people p WHERE p.id = m.id;
  PERFORM enqueue_outbox(m.organization_id, 'mentor_status_changed', jsonb_build_object(
    'transition', p_transition, 'mentor_id', m.id, 'mentor_display_name', display_name,
    'previous_status', previous, 'new_status', new_status, 'kind', pause_kind, 'reason', reason,
    'expected_return_date', to_char(CASE p_transition WHEN 'pause' THEN p_expected_return_date WHEN 'certification_expiry' THEN NULL
                                                      ELSE live.expected_return_date END, 'YYYY-MM-DD'),
    'actor_id', actor.id, 'pause_id', pause_id, 'prior_pause_days', prior_days, 'occurred_at', occurred));
  -- Last: emit_change holds the organisation's stream counter until commit.
  PERFORM emit_change(m.organization_id, 'mentor.status_changed', mentor_chapter_ids(m.id), m.id, NULL, jsonb_build_object(
    'mentor_id', m.id, 'display_name', display_name, 'previous_status', previous, 'new_status', new_status,
    'version', m.version, 'pause_id', pause_id, 'occurred_at', occurred));
  RETURN m;
END $$;

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
             'mentor_id', x.peer_mentor_id, 'assignment_id', x.id, 'chapter_id', x.chapter_id,
             'days_since_contact', floor(extract(epoch FROM p_now - x.basis) / 86400)::int,
             'occurred_at', to_char(p_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')), now(), now()
    FROM crossings x
    RETURNING kind)
  SELECT (SELECT count(*) FROM candidates), count(*) FILTER (WHERE kind = 'follow_up_reminder'),
         count(*) FILTER (WHERE kind = 'follow_up_escalation')
  FROM queued;
  PERFORM pg_notify('likeperson_outbox', '');
END $$;

CREATE OR REPLACE FUNCTION public.notification_json(n public.notifications) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  SELECT jsonb_build_object(
    'id', n.id, 'type', n.type, 'title', n.title, 'body', n.body, 'data', n.data, 'status', n.status,
    'created_at', to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'delivered_at', to_char(n.delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'opened_at', to_char(n.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'acknowledged_at', to_char(n.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) $$;

CREATE OR REPLACE FUNCTION public.notification_publish(p_ids uuid[]) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  o record;
  last bigint;
  published int := 0;
BEGIN
  FOR o IN
    SELECT x.organization_id AS org, array_agg(x.id ORDER BY i.ord) AS ids, count(*)::int AS n
    FROM unnest(p_ids) WITH ORDINALITY AS i(id, ord) JOIN notifications x ON x.id = i.id
    WHERE x.channel = 'in_app' AND x.status <> 'held' AND x.recipient_id IS NOT NULL
    GROUP BY x.organization_id ORDER BY min(i.ord)
  LOOP
    last := stream_advance(o.org, o.n);
    INSERT INTO change_events (organization_id, position, event_type, chapter_ids, mentor_id, recipient_id, payload)
    SELECT o.org, last - o.n + k.ord, 'notification.created', '{}', NULL, x.recipient_id, notification_json(x)
    FROM unnest(o.ids) WITH ORDINALITY AS k(id, ord) JOIN notifications x ON x.id = k.id;
    published := published + o.n;
  END LOOP;
  RETURN published;
END $$;

DROP FUNCTION notification_published(notifications), acting_person(), rfc3339(timestamptz);
