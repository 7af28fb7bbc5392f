-- The live schema of a fully migrated Likeperson database: tables, functions, triggers, policies, grants.
-- GENERATED: do not edit. Change the schema with a new migration in Migrations/, then regenerate with
--   scripts/dump-schema.sh   (= LIKEPERSON_WRITE_SCHEMA=1 dotnet test tests/Likeperson.Tests --filter SchemaFileTests)
-- SchemaFileTests fails when this file differs from `pg_dump --schema-only --no-owner` of a migrated database
-- (version lines removed). Owners are left out: they depend on who ran the migrations.
--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_table_access_method = heap;

--
-- Name: people; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.people (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    display_name text NOT NULL,
    org_admin boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    language text,
    quiet_hours_enabled boolean DEFAULT true NOT NULL,
    quiet_hours_start time without time zone DEFAULT '22:00:00'::time without time zone NOT NULL,
    quiet_hours_end time without time zone DEFAULT '07:00:00'::time without time zone NOT NULL,
    CONSTRAINT people_display_name_length CHECK (((char_length(btrim(display_name)) >= 1) AND (char_length(btrim(display_name)) <= 200))),
    CONSTRAINT people_language_valid CHECK ((language = ANY (ARRAY['nb'::text, 'en'::text]))),
    CONSTRAINT people_quiet_hours_window CHECK (((quiet_hours_start <> quiet_hours_end) AND (date_trunc('minute'::text, (quiet_hours_start)::interval) = (quiet_hours_start)::interval) AND (date_trunc('minute'::text, (quiet_hours_end)::interval) = (quiet_hours_end)::interval)))
);


--
-- Name: acting_person(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.acting_person() RETURNS public.people
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


--
-- Name: assignment_activities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.assignment_activities (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    assignment_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    kind text DEFAULT 'contact'::text NOT NULL,
    note text,
    recorded_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    duration_minutes integer,
    participants integer DEFAULT 1 NOT NULL,
    mode text,
    CONSTRAINT assignment_activities_duration_minutes_range CHECK (((duration_minutes >= 1) AND (duration_minutes <= 1440))),
    CONSTRAINT assignment_activities_kind_length CHECK (((char_length(kind) >= 1) AND (char_length(kind) <= 50))),
    CONSTRAINT assignment_activities_mode_valid CHECK ((mode = ANY (ARRAY['in_person'::text, 'phone'::text, 'video'::text, 'written'::text]))),
    CONSTRAINT assignment_activities_not_in_future CHECK ((occurred_at <= (created_at + '00:01:00'::interval))),
    CONSTRAINT assignment_activities_note_length CHECK ((char_length(note) <= 2000)),
    CONSTRAINT assignment_activities_participants_positive CHECK ((participants >= 1))
);


--
-- Name: activity_record(uuid, timestamp with time zone, text, text, timestamp with time zone, integer, integer, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.activity_record(p_assignment uuid, p_occurred_at timestamp with time zone, p_kind text, p_note text, p_now timestamp with time zone, p_duration_minutes integer DEFAULT NULL::integer, p_participants integer DEFAULT NULL::integer, p_mode text DEFAULT NULL::text) RETURNS public.assignment_activities
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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


--
-- Name: assignment_actor_manages(public.people, uuid, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignment_actor_manages(actor public.people, p_org uuid, p_chapter uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT actor.id IS NULL OR (actor.organization_id = p_org AND (actor.org_admin OR EXISTS (
    SELECT 1 FROM chapter_memberships WHERE person_id = actor.id AND chapter_id = p_chapter AND role = 'coordinator')))
$$;


--
-- Name: assignments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.assignments (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    peer_mentor_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    chapter_id uuid NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    last_contact_date timestamp with time zone,
    mentor_assignment_sequence integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    created_by uuid,
    closed_by uuid,
    notes text,
    honorarium_threshold_triggered jsonb,
    version integer DEFAULT 1 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT assignments_closed_at_requires_completed CHECK (((closed_at IS NULL) OR (status = 'completed'::text))),
    CONSTRAINT assignments_closed_by_requires_completed CHECK (((closed_by IS NULL) OR (status = 'completed'::text))),
    CONSTRAINT assignments_completed_has_closed_at CHECK (((status <> 'completed'::text) OR (closed_at IS NOT NULL))),
    CONSTRAINT assignments_notes_length CHECK ((char_length(notes) <= 2000)),
    CONSTRAINT assignments_sequence_positive CHECK ((mentor_assignment_sequence > 0)),
    CONSTRAINT assignments_status_valid CHECK ((status = ANY (ARRAY['open'::text, 'pending'::text, 'completed'::text]))),
    CONSTRAINT assignments_version_check CHECK ((version > 0))
);


--
-- Name: assignment_create(uuid, uuid, text, text, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamp with time zone) RETURNS public.assignments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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


--
-- Name: assignment_create_batch(jsonb, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignment_create_batch(p_items jsonb, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  actor people := acting_person();
  n int;
  i int;
  item jsonb;
  created jsonb[] := '{}';
  errors jsonb := '{}';
  codes jsonb := '{}';
  failed int := 0;
  first_state text;
  first_code text;
  first_index int;
  first_detail text;
  e_state text;
  e_code text;
  e_detail text;
  e_hint text;
  field text;
BEGIN
  IF jsonb_typeof(p_items) IS DISTINCT FROM 'array' OR jsonb_array_length(p_items) NOT BETWEEN 1 AND 500 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'items',
      DETAIL = 'items must hold 1 to 500 assignments.';
  END IF;
  n := jsonb_array_length(p_items);
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_items) e WHERE jsonb_typeof(e) <> 'object') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP400', MESSAGE = 'malformed_request', DETAIL = 'Every item of items is an object.';
  END IF;
  -- Only coordinators and org admins dispatch; anyone else hears it once, not once per item.
  IF actor.id IS NOT NULL AND NOT actor.org_admin
     AND NOT EXISTS (SELECT 1 FROM chapter_memberships WHERE person_id = actor.id AND role = 'coordinator') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only a coordinator of the contact''s chapter or an org admin may create assignments.';
  END IF;

  BEGIN
    FOR i IN 0 .. n - 1 LOOP
      item := p_items -> i;
      created := created || assignment_json(assignment_create((item ->> 'peer_mentor_id')::uuid, (item ->> 'contact_id')::uuid,
        coalesce(item ->> 'status', 'open'), item ->> 'notes', p_now));
    END LOOP;
    RETURN to_jsonb(created);
  EXCEPTION WHEN OTHERS THEN
    IF SQLSTATE NOT LIKE 'LP%' THEN RAISE; END IF;
  END;

  created := '{}';
  FOR i IN 0 .. n - 1 LOOP
    item := p_items -> i;
    BEGIN
      created := created || assignment_json(assignment_create((item ->> 'peer_mentor_id')::uuid, (item ->> 'contact_id')::uuid,
        coalesce(item ->> 'status', 'open'), item ->> 'notes', p_now));
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_code = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL,
        e_hint = PG_EXCEPTION_HINT;
      IF e_state NOT LIKE 'LP%' THEN RAISE; END IF;
      field := format('items[%s].%s', i, coalesce(nullif(e_hint, ''),
        CASE WHEN e_state = 'LP403' OR e_detail LIKE 'Contact %' THEN 'contact_id' ELSE 'peer_mentor_id' END));
      errors := errors || jsonb_build_object(field, jsonb_build_array(coalesce(nullif(e_detail, ''), e_code)));
      codes := codes || jsonb_build_object(field, e_code);
      failed := failed + 1;
      IF first_state IS NULL THEN
        first_state := e_state; first_code := e_code; first_index := i; first_detail := coalesce(nullif(e_detail, ''), e_code);
      END IF;
    END;
  END LOOP;
  IF failed = 0 THEN
    RETURN to_jsonb(created);
  END IF;
  RAISE EXCEPTION USING ERRCODE = first_state, MESSAGE = first_code,
    DETAIL = format('%s of %s items were refused, so none was created. items[%s]: %s', failed, n, first_index, first_detail),
    HINT = jsonb_build_object('errors', errors, 'codes', codes)::text;
END $$;


--
-- Name: assignment_json(public.assignments); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignment_json(a public.assignments) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  SELECT jsonb_build_object(
    'id', a.id, 'peer_mentor_id', a.peer_mentor_id, 'contact_id', a.contact_id, 'organization_id', a.organization_id,
    'status', a.status, 'last_contact_date', rfc3339(a.last_contact_date),
    'mentor_assignment_sequence', a.mentor_assignment_sequence, 'created_at', rfc3339(a.created_at),
    'closed_at', rfc3339(a.closed_at), 'created_by', a.created_by, 'closed_by', a.closed_by,
    'notes', a.notes, 'honorarium_threshold_triggered', a.honorarium_threshold_triggered, 'version', a.version) $$;


--
-- Name: assignment_lock_for(public.people, uuid, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignment_lock_for(actor public.people, p_id uuid, p_mentor_may boolean) RETURNS public.assignments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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


--
-- Name: assignment_status_rank(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignment_status_rank(s text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE s WHEN 'open' THEN 0 WHEN 'pending' THEN 1 WHEN 'completed' THEN 2 END $$;


--
-- Name: assignment_update(uuid, text, boolean, text, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignment_update(p_id uuid, p_status text, p_set_notes boolean, p_notes text, p_expected_version integer, p_now timestamp with time zone) RETURNS public.assignments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  actor people := acting_person();
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


--
-- Name: assignments_guard(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignments_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: assignments_last_contact_not_future(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignments_last_contact_not_future() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF current_user = session_user AND NEW.last_contact_date > clock_timestamp() + interval '1 minute' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'last_contact_date',
      DETAIL = format('last_contact_date may not be in the future (%s is later than the database clock).', NEW.last_contact_date);
  END IF;
  RETURN NEW;
END $$;


--
-- Name: assignments_publish_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.assignments_publish_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  IF NEW.version <> OLD.version THEN
    PERFORM emit_change(NEW.organization_id, 'assignment.updated', ARRAY[NEW.chapter_id], NEW.peer_mentor_id, NULL, assignment_json(NEW));
  END IF;
  RETURN NULL;
END $$;


--
-- Name: auth_coordinated_chapters(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.auth_coordinated_chapters() RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(chapter_id), '{}') FROM chapter_memberships
          WHERE person_id = current_person_id() AND role = 'coordinator');
END $$;


--
-- Name: auth_coordinated_mentors(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.auth_coordinated_mentors() RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(DISTINCT m.person_id), '{}') FROM chapter_memberships m
          WHERE m.role = 'peer_mentor'
            AND m.chapter_id IN (SELECT c.chapter_id FROM chapter_memberships c
                                 WHERE c.person_id = current_person_id() AND c.role = 'coordinator'));
END $$;


--
-- Name: auth_is_org_admin(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.auth_is_org_admin() RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN coalesce((SELECT org_admin FROM people WHERE id = current_person_id()), false);
END $$;


--
-- Name: auth_member_chapters(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.auth_member_chapters() RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(DISTINCT chapter_id), '{}') FROM chapter_memberships WHERE person_id = current_person_id());
END $$;


--
-- Name: auth_org_id(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.auth_org_id() RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN (SELECT organization_id FROM people WHERE id = current_person_id());
END $$;


--
-- Name: auth_visible_people(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.auth_visible_people() RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  me uuid := current_person_id();
BEGIN
  RETURN (SELECT coalesce(array_agg(DISTINCT m.person_id), '{}') FROM chapter_memberships m
          JOIN chapter_memberships mine ON mine.chapter_id = m.chapter_id AND mine.person_id = me
          WHERE mine.role = 'coordinator' OR m.role = 'coordinator' OR m.person_id = me);
END $$;


--
-- Name: certification_changes_record(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.certification_changes_record() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  INSERT INTO certification_changes (mentor_id, organization_id, previous_expires_at, expires_at)
  VALUES (NEW.id, NEW.organization_id, OLD.certification_expires_at, NEW.certification_expires_at);
  RETURN NULL;
END $$;


--
-- Name: certification_warning_window(integer[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.certification_warning_window(p_days integer[]) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT max(t) FROM unnest(p_days) t $$;


--
-- Name: change_events_prune(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.change_events_prune(p_before timestamp with time zone) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  WITH old AS (
    SELECT DISTINCT organization_id FROM change_events WHERE created_at < p_before
  ), cuts AS (
    SELECT o.organization_id,
           coalesce((SELECT min(e.position) - 1 FROM change_events e
                     WHERE e.organization_id = o.organization_id AND e.created_at >= p_before),
                    (SELECT max(e.position) FROM change_events e WHERE e.organization_id = o.organization_id)) AS cut
    FROM old o
  ), gone AS (
    DELETE FROM change_events e USING cuts c
    WHERE e.organization_id = c.organization_id AND e.position <= c.cut
    RETURNING e.organization_id, e.position
  ), horizon AS (
    INSERT INTO stream_state AS s (organization_id, pruned_through)
    SELECT organization_id, max(position) FROM gone GROUP BY organization_id
    ON CONFLICT (organization_id) DO UPDATE SET pruned_through = greatest(s.pruned_through, excluded.pruned_through)
  )
  SELECT count(*) FROM gone $$;


--
-- Name: chapter_public_mentors(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.chapter_public_mentors(p_chapter uuid, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  ch chapters;
  today date;
BEGIN
  SELECT * INTO ch FROM chapters WHERE id = p_chapter;
  IF ch.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Chapter was not found.';
  END IF;
  SELECT (p_now AT TIME ZONE o.timezone)::date INTO today FROM organizations o WHERE o.id = ch.organization_id;
  RETURN jsonb_build_object('items', coalesce((
    SELECT jsonb_agg(jsonb_build_object('display_name', p.display_name) ORDER BY p.display_name, p.id)
    FROM chapter_memberships cm
    JOIN peer_mentors m ON m.id = cm.person_id
    JOIN people p ON p.id = m.id
    WHERE cm.chapter_id = ch.id AND cm.role = 'peer_mentor'
      AND m.status = 'active' AND m.listed_publicly AND m.certification_expires_at >= today), '[]'::jsonb));
END $$;


--
-- Name: current_person_id(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.current_person_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.person_id', true), '')::uuid $$;


--
-- Name: device_register(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.device_register(p_token text, p_platform text) RETURNS timestamp with time zone
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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


--
-- Name: emit_change(uuid, text, uuid[], uuid, uuid, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.emit_change(p_org uuid, p_type text, p_chapter_ids uuid[], p_mentor_id uuid, p_recipient_id uuid, p_payload jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  pos bigint := stream_advance(p_org, 1);
BEGIN
  INSERT INTO change_events (organization_id, position, event_type, chapter_ids, mentor_id, recipient_id, payload)
  VALUES (p_org, pos, p_type, coalesce(p_chapter_ids, '{}'), p_mentor_id, p_recipient_id, p_payload);
  RETURN pos;
END $$;


--
-- Name: engagement_report(date, date, uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.engagement_report(p_from date, p_to date, p_chapter uuid, p_now timestamp with time zone) RETURNS json
    LANGUAGE plpgsql STABLE
    SET search_path TO 'public', 'pg_temp'
    SET jit TO 'off'
    AS $$
DECLARE
  actor people;
  org organizations;
  today date;
  f date;
  t date;
  lo timestamptz;
  hi timestamptz;
  scope uuid[];
BEGIN
  SELECT * INTO actor FROM people WHERE id = current_person_id();
  IF actor.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No such person in any organisation.';
  END IF;
  SELECT * INTO org FROM organizations WHERE id = actor.organization_id;
  IF NOT actor.org_admin AND cardinality(auth_coordinated_chapters()) = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only coordinators (for their chapters) and org admins may read the engagement report.';
  END IF;
  today := (p_now AT TIME ZONE org.timezone)::date;
  f := coalesce(p_from, date_trunc('year', today)::date);
  t := coalesce(p_to, today);
  IF t < f THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'to', DETAIL = 'to may not be before from.';
  END IF;
  IF t - f + 1 > 366 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'to', DETAIL = 'The period is at most 366 days.';
  END IF;
  scope := CASE WHEN actor.org_admin THEN (SELECT array_agg(id) FROM chapters WHERE organization_id = org.id)
                ELSE auth_coordinated_chapters() END;
  IF p_chapter IS NOT NULL THEN
    IF NOT coalesce(p_chapter = ANY (scope), false) THEN
      RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Chapter was not found.';
    END IF;
    scope := ARRAY[p_chapter];
  END IF;
  lo := f::timestamp AT TIME ZONE org.timezone;
  hi := (t + 1)::timestamp AT TIME ZONE org.timezone;

  RETURN (
    WITH members AS (
      SELECT c.person_id, c.chapter_id FROM chapter_memberships c WHERE c.role = 'peer_mentor' AND c.chapter_id = ANY (scope)),
    mentors AS (
      SELECT m.id, p.display_name, m.certification_expires_at,
             least(m.created_at, first.occurred_at) AS since, coalesce(first.previous_status, m.status) AS first_status,
             first.occurred_at AS first_change,
             coalesce((SELECT array_agg(c.chapter_id ORDER BY c.chapter_id) FROM chapter_memberships c
                       WHERE c.person_id = m.id AND c.role = 'peer_mentor'), '{}') AS chapter_ids
      FROM peer_mentors m JOIN people p ON p.id = m.id
      LEFT JOIN LATERAL (SELECT l.previous_status, l.occurred_at FROM mentor_status_log l WHERE l.mentor_id = m.id
                         ORDER BY l.id LIMIT 1) first ON true
      LEFT JOIN LATERAL (SELECT l.occurred_at FROM mentor_status_log l WHERE l.mentor_id = m.id
                         ORDER BY l.id DESC LIMIT 1) last ON true
      WHERE m.id IN (SELECT person_id FROM members)
        -- Left out: mentors who joined after the period, and those deactivated before it began.
        AND least(m.created_at, first.occurred_at) < hi AND NOT (m.status = 'inactive' AND last.occurred_at < lo)),
    -- The status log as intervals: each entry's new status lasts until the next entry (or now); before the first entry
    -- the mentor had its previous status.
    statuses AS (
      SELECT l.mentor_id, l.new_status AS status, l.occurred_at AS since,
             coalesce(lead(l.occurred_at) OVER (PARTITION BY l.mentor_id ORDER BY l.id), p_now) AS until
      FROM mentor_status_log l WHERE l.mentor_id IN (SELECT id FROM mentors)
      UNION ALL
      SELECT m.id, m.first_status, m.since, coalesce(m.first_change, p_now) FROM mentors m),
    -- An interval ending exactly at a period's start still gives it the day that completes at that instant: >= lo.
    active AS (
      SELECT s.mentor_id, s.since, s.until FROM statuses s WHERE s.status = 'active' AND s.since < hi AND s.until >= lo),
    paused AS (
      SELECT pr.id, pr.mentor_id, pr.kind, pr.paused_at AS since, coalesce(pr.ended_at, p_now) AS until
      FROM pause_records pr
      WHERE pr.mentor_id IN (SELECT id FROM mentors) AND pr.paused_at < hi AND coalesce(pr.ended_at, p_now) >= lo),
    active_days AS (
      SELECT a.mentor_id, sum(report_whole_days(a.since, a.until, lo, hi))::int AS days FROM active a GROUP BY a.mentor_id),
    paused_days AS (
      SELECT p.mentor_id,
             coalesce(sum(report_whole_days(p.since, p.until, lo, hi)) FILTER (WHERE p.kind = 'voluntary'), 0)::int AS voluntary,
             coalesce(sum(report_whole_days(p.since, p.until, lo, hi)) FILTER (WHERE p.kind = 'coordinator'), 0)::int AS coordinator,
             coalesce(sum(report_whole_days(p.since, p.until, lo, hi)) FILTER (WHERE p.kind = 'certification_expired'), 0)::int AS certification,
             count(*) FILTER (WHERE p.since >= lo)::int AS pauses
      FROM paused p GROUP BY p.mentor_id),
    lapses AS (
      SELECT p.mentor_id, json_agg(json_build_object(
               'expired_on', to_char(coalesce(renewal.previous_expires_at,
                                              CASE WHEN renewal.id IS NULL THEN m.certification_expires_at END), 'YYYY-MM-DD'),
               'paused_at', rfc3339(p.since),
               'renewed_on', to_char((renewal.changed_at AT TIME ZONE org.timezone)::date, 'YYYY-MM-DD'))
             ORDER BY p.since) AS items
      FROM paused p JOIN mentors m ON m.id = p.mentor_id
      -- The renewal: the first change after the auto-pause that moved the date later.
      LEFT JOIN LATERAL (SELECT cc.* FROM certification_changes cc WHERE cc.mentor_id = p.mentor_id AND cc.changed_at >= p.since
                           AND cc.expires_at > cc.previous_expires_at
                         ORDER BY cc.changed_at, cc.id LIMIT 1) renewal ON true
      WHERE p.kind = 'certification_expired'
      GROUP BY p.mentor_id),
    work AS (
      SELECT a.peer_mentor_id AS mentor_id,
             count(*) FILTER (WHERE a.created_at >= lo AND a.created_at < hi)::int AS opened,
             count(*) FILTER (WHERE a.closed_at >= lo AND a.closed_at < hi)::int AS completed
      FROM assignments a WHERE a.peer_mentor_id IN (SELECT id FROM mentors) AND (a.created_at < hi AND coalesce(a.closed_at, hi) >= lo)
      GROUP BY a.peer_mentor_id),
    activity AS (
      SELECT a.peer_mentor_id AS mentor_id, count(*)::int AS activities,
             coalesce(sum(x.duration_minutes), 0)::int AS minutes -- an activity without a duration counts no minutes
      FROM assignment_activities x JOIN assignments a ON a.id = x.assignment_id
      WHERE a.peer_mentor_id IN (SELECT id FROM mentors) AND x.occurred_at >= lo AND x.occurred_at < hi
      GROUP BY a.peer_mentor_id),
    rows AS (
      SELECT m.id, m.display_name, m.chapter_ids, coalesce(ad.days, 0) AS days_active,
        coalesce(pd.voluntary, 0) AS days_paused_voluntary, coalesce(pd.coordinator, 0) AS days_paused_by_coordinator,
        coalesce(pd.certification, 0) AS days_paused_certification, coalesce(pd.pauses, 0) AS pauses,
        coalesce(l.items, '[]') AS certification_lapses, coalesce(w.opened, 0) AS assignments_opened,
        coalesce(w.completed, 0) AS assignments_completed, coalesce(x.activities, 0) AS activities,
        coalesce(x.minutes, 0) AS activity_minutes
      FROM mentors m
      LEFT JOIN active_days ad ON ad.mentor_id = m.id LEFT JOIN paused_days pd ON pd.mentor_id = m.id
      LEFT JOIN lapses l ON l.mentor_id = m.id LEFT JOIN work w ON w.mentor_id = m.id LEFT JOIN activity x ON x.mentor_id = m.id),
    months AS (
      SELECT row_number() OVER (ORDER BY g)::int AS n, to_char(g, 'YYYY-MM') AS month, greatest(g::date, f) AS first_day,
             greatest(g::date, f)::timestamp AT TIME ZONE org.timezone AS mlo,
             (least((g + interval '1 month')::date - 1, t) + 1)::timestamp AT TIME ZONE org.timezone AS mhi
      FROM generate_series(date_trunc('month', f::timestamp), t::timestamp, interval '1 month') g),
    -- Each interval is summed into only the months it overlaps: width_bucket finds the month its start and its end fall
    -- in (a binary search over the months' starts), and the months between are generated. One pass over the intervals,
    -- where a subquery per month scanned all of them once per month (13 x 52,500 rows on the bench's year).
    bounds AS (SELECT array_agg(mo.mlo ORDER BY mo.n) AS lo FROM months mo),
    monthly AS (
      SELECT mo.month, mo.first_day,
        coalesce(sum(report_whole_days(i.since, i.until, mo.mlo, mo.mhi)) FILTER (WHERE i.active), 0)::int AS days_active,
        coalesce(sum(report_whole_days(i.since, i.until, mo.mlo, mo.mhi)) FILTER (WHERE NOT i.active), 0)::int AS days_paused
      FROM (SELECT true AS active, a.since, a.until FROM active a UNION ALL SELECT false, p.since, p.until FROM paused p) i
      CROSS JOIN bounds b
      CROSS JOIN LATERAL generate_series(greatest(width_bucket(i.since, b.lo), 1), width_bucket(i.until, b.lo)) k
      JOIN months mo ON mo.n = k
      GROUP BY mo.month, mo.first_day),
    totals AS (
      SELECT c.id, c.name, count(r.id)::int AS mentors,
        coalesce(sum(r.days_active), 0)::int AS days_active,
        coalesce(sum(r.days_paused_voluntary), 0)::int AS days_paused_voluntary,
        coalesce(sum(r.days_paused_by_coordinator), 0)::int AS days_paused_by_coordinator,
        coalesce(sum(r.days_paused_certification), 0)::int AS days_paused_certification,
        coalesce(sum(r.pauses), 0)::int AS pauses,
        coalesce(sum(json_array_length(r.certification_lapses)), 0)::int AS certification_lapses,
        coalesce(sum(r.assignments_opened), 0)::int AS assignments_opened,
        coalesce(sum(r.assignments_completed), 0)::int AS assignments_completed,
        coalesce(sum(r.activities), 0)::int AS activities,
        coalesce(sum(r.activity_minutes), 0)::int AS activity_minutes
      FROM chapters c LEFT JOIN members mb ON mb.chapter_id = c.id LEFT JOIN rows r ON r.id = mb.person_id
      WHERE c.id = ANY (scope)
      GROUP BY c.id, c.name)
    SELECT json_build_object(
      'organization_id', org.id, 'organization_name', org.name, 'timezone', org.timezone,
      'chapter_id', p_chapter, 'chapter_name', (SELECT name FROM chapters WHERE id = p_chapter),
      'from', to_char(f, 'YYYY-MM-DD'), 'to', to_char(t, 'YYYY-MM-DD'),
      'items', coalesce((SELECT json_agg(json_build_object(
          'mentor_id', r.id, 'display_name', r.display_name, 'chapter_ids', to_json(r.chapter_ids),
          'days_active', r.days_active, 'days_paused_voluntary', r.days_paused_voluntary,
          'days_paused_by_coordinator', r.days_paused_by_coordinator, 'days_paused_certification', r.days_paused_certification,
          'pauses', r.pauses, 'certification_lapses', r.certification_lapses, 'assignments_opened', r.assignments_opened,
          'assignments_completed', r.assignments_completed, 'activities', r.activities, 'activity_minutes', r.activity_minutes)
        ORDER BY r.display_name, r.id) FROM rows r), '[]'),
      'totals', coalesce((SELECT json_agg(json_build_object(
          'chapter_id', x.id, 'chapter_name', x.name, 'mentors', x.mentors, 'days_active', x.days_active,
          'days_paused_voluntary', x.days_paused_voluntary, 'days_paused_by_coordinator', x.days_paused_by_coordinator,
          'days_paused_certification', x.days_paused_certification, 'pauses', x.pauses,
          'certification_lapses', x.certification_lapses, 'assignments_opened', x.assignments_opened,
          'assignments_completed', x.assignments_completed, 'activities', x.activities, 'activity_minutes', x.activity_minutes)
        ORDER BY x.name, x.id) FROM totals x), '[]'),
      'months', coalesce((SELECT json_agg(json_build_object('month', mo.month, 'days_active', coalesce(x.days_active, 0),
                                                              'days_paused', coalesce(x.days_paused, 0)) ORDER BY mo.first_day)
                          FROM months mo LEFT JOIN monthly x ON x.month = mo.month), '[]')));
END $$;


--
-- Name: enqueue_outbox(uuid, text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.enqueue_outbox(p_org uuid, p_kind text, p_payload jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  new_id bigint;
BEGIN
  INSERT INTO outbox (organization_id, kind, payload) VALUES (p_org, p_kind, p_payload) RETURNING id INTO new_id;
  PERFORM pg_notify('likeperson_outbox', new_id::text);
  RETURN new_id;
END $$;


--
-- Name: follow_up_overdue(text, timestamp with time zone, timestamp with time zone, integer, text, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.follow_up_overdue(p_status text, p_last_contact timestamp with time zone, p_created_at timestamp with time zone, p_days integer, p_tz text, p_now timestamp with time zone) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
  SELECT p_status IN ('open', 'pending')
     AND coalesce(p_last_contact, p_created_at) < ((p_now AT TIME ZONE p_tz) - make_interval(days => p_days)) AT TIME ZONE p_tz
$$;


--
-- Name: identity_links; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_links (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    person_id uuid NOT NULL,
    issuer text NOT NULL,
    subject text NOT NULL,
    linked_at timestamp with time zone DEFAULT now() NOT NULL,
    last_sign_in_at timestamp with time zone,
    CONSTRAINT identity_links_issuer_length CHECK (((char_length(issuer) >= 1) AND (char_length(issuer) <= 2000))),
    CONSTRAINT identity_links_subject_length CHECK (((char_length(subject) >= 1) AND (char_length(subject) <= 255)))
);


--
-- Name: identity_links_of(uuid, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.identity_links_of(p_org uuid, p_person uuid) RETURNS SETOF public.identity_links
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  IF identity_manager(p_org, p_person) <> 'admin' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden', DETAIL = 'Only an org admin sees linked identities.';
  END IF;
  RETURN QUERY SELECT * FROM identity_links l WHERE l.person_id = p_person ORDER BY l.linked_at, l.id;
END $$;


--
-- Name: identity_manager(uuid, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.identity_manager(p_org uuid, p_person uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  IF current_person_id() IS NULL OR auth_org_id() IS DISTINCT FROM p_org
     OR NOT EXISTS (SELECT 1 FROM people WHERE id = p_person AND organization_id = p_org) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Person was not found.';
  END IF;
  IF auth_is_org_admin() THEN RETURN 'admin'; END IF;
  IF EXISTS (SELECT 1 FROM chapter_memberships WHERE person_id = p_person AND chapter_id = ANY (auth_coordinated_chapters())) THEN
    RETURN 'coordinator';
  END IF;
  IF cardinality(auth_coordinated_chapters()) > 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Person was not found.';
  END IF;
  RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
    DETAIL = 'Only an org admin, or a coordinator of one of the person''s chapters, may do this.';
END $$;


--
-- Name: identity_person(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.identity_person(p_issuer text, p_subject text) RETURNS TABLE(person_id uuid, link_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT l.person_id, l.id FROM identity_links l WHERE l.issuer = p_issuer AND l.subject = p_subject;
$$;


--
-- Name: identity_sign_in(text, text, uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.identity_sign_in(p_issuer text, p_subject text, p_session uuid, p_expires timestamp with time zone) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  v_link uuid;
  v_person uuid;
BEGIN
  DELETE FROM identity_sessions WHERE expires_at < now();
  UPDATE identity_links SET last_sign_in_at = now() WHERE issuer = p_issuer AND subject = p_subject
  RETURNING id, person_id INTO v_link, v_person;
  IF v_link IS NULL THEN RETURN NULL; END IF;
  INSERT INTO identity_sessions (session_id, link_id, expires_at) VALUES (p_session, v_link, p_expires)
  ON CONFLICT (session_id) DO NOTHING;
  RETURN v_person;
END $$;


--
-- Name: identity_unlink(uuid, uuid, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.identity_unlink(p_org uuid, p_person uuid, p_link uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  IF identity_manager(p_org, p_person) <> 'admin' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden', DETAIL = 'Only an org admin unlinks identities.';
  END IF;
  UPDATE identity_sessions SET expires_at = least(expires_at, now() + interval '1 day') WHERE link_id = p_link;
  DELETE FROM identity_links WHERE id = p_link AND person_id = p_person;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Identity link was not found.';
  END IF;
  -- The link's bearer tokens: their principal's sid is the link's own id.
  INSERT INTO identity_sessions (session_id, link_id, expires_at) VALUES (p_link, NULL, now() + interval '1 day')
  ON CONFLICT (session_id) DO UPDATE SET link_id = NULL;
END $$;


--
-- Name: invitation_accept(bytea, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.invitation_accept(p_code_hash bytea, p_issuer text, p_subject text) RETURNS TABLE(state text, person_id uuid, link_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  v invitations;
  v_link uuid;
  v_owner uuid;
BEGIN
  SELECT * INTO v FROM invitations i WHERE i.code_hash = p_code_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'unknown', NULL::uuid, NULL::uuid; RETURN; END IF;
  IF v.used_at IS NOT NULL THEN RETURN QUERY SELECT 'used', NULL::uuid, NULL::uuid; RETURN; END IF;
  IF v.expires_at <= now() THEN RETURN QUERY SELECT 'expired', NULL::uuid, NULL::uuid; RETURN; END IF;
  INSERT INTO identity_links AS l (organization_id, person_id, issuer, subject)
  VALUES (v.organization_id, v.person_id, p_issuer, p_subject)
  ON CONFLICT (issuer, subject) DO NOTHING RETURNING l.id INTO v_link;
  IF v_link IS NULL THEN
    SELECT l.id, l.person_id INTO v_link, v_owner FROM identity_links l WHERE l.issuer = p_issuer AND l.subject = p_subject;
    IF v_owner IS DISTINCT FROM v.person_id THEN
      RETURN QUERY SELECT 'linked_elsewhere', NULL::uuid, NULL::uuid; RETURN;
    END IF;
  END IF;
  UPDATE invitations SET used_at = now(), used_by_link = v_link WHERE id = v.id;
  RETURN QUERY SELECT 'linked', v.person_id, v_link;
END $$;


--
-- Name: invitation_create(uuid, uuid, bytea, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.invitation_create(p_org uuid, p_person uuid, p_code_hash bytea, p_days integer) RETURNS TABLE(id uuid, expires_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  PERFORM identity_manager(p_org, p_person);
  IF p_days IS NULL OR p_days NOT BETWEEN 1 AND 365 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', DETAIL = 'An invitation is valid 1 to 365 days.';
  END IF;
  RETURN QUERY INSERT INTO invitations AS i (organization_id, person_id, code_hash, created_by, expires_at)
    VALUES (p_org, p_person, p_code_hash, current_person_id(), now() + make_interval(days => p_days))
    RETURNING i.id, i.expires_at;
END $$;


--
-- Name: invitation_preview(bytea); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.invitation_preview(p_code_hash bytea) RETURNS TABLE(state text, organization_name text, person_name text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  v record;
BEGIN
  SELECT i.used_at, i.expires_at, o.name AS org, p.display_name AS person INTO v
  FROM invitations i JOIN people p ON p.id = i.person_id JOIN organizations o ON o.id = i.organization_id
  WHERE i.code_hash = p_code_hash;
  RETURN QUERY SELECT CASE WHEN v IS NULL THEN 'unknown' WHEN v.used_at IS NOT NULL THEN 'used'
                           WHEN v.expires_at <= now() THEN 'expired' ELSE 'open' END,
                      CASE WHEN v.used_at IS NULL AND v.expires_at > now() THEN v.org END,
                      CASE WHEN v.used_at IS NULL AND v.expires_at > now() THEN v.person END;
END $$;


--
-- Name: is_valid_timezone(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.is_valid_timezone(tz text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz) $$;


--
-- Name: job_due_slots(timestamp with time zone, time without time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.job_due_slots(p_now timestamp with time zone, p_nightly_at time without time zone) RETURNS TABLE(job text, organization_id uuid, slot timestamp with time zone, covered boolean)
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: job_latest_slot(timestamp with time zone, text, time without time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.job_latest_slot(p_now timestamp with time zone, p_tz text, p_at time without time zone) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
  SELECT CASE WHEN today <= p_now THEN today ELSE ((local_date - 1) + p_at) AT TIME ZONE p_tz END
  FROM (SELECT (p_now AT TIME ZONE p_tz)::date AS local_date) d,
       LATERAL (SELECT (d.local_date + p_at) AT TIME ZONE p_tz AS today) t $$;


--
-- Name: jobs_certification_warnings(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.jobs_certification_warnings(p_org uuid, p_now timestamp with time zone) RETURNS TABLE(due bigint, warnings bigint)
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
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


--
-- Name: jobs_follow_up_reminders(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.jobs_follow_up_reminders(p_org uuid, p_now timestamp with time zone) RETURNS TABLE(due bigint, reminders bigint, escalations bigint)
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
    SELECT a.id, a.peer_mentor_id, a.chapter_id, a.status, a.last_contact_date, a.created_at,
           coalesce(a.last_contact_date, a.created_at) AS basis
    FROM assignments a
    WHERE a.organization_id = p_org AND a.status IN ('open', 'pending')
      AND follow_up_overdue(a.status, a.last_contact_date, a.created_at, o.reminder_threshold_days, o.timezone, p_now)
  ), crossings AS (
    SELECT l.* FROM (
      SELECT c.*, 'reminder' AS level FROM candidates c
      UNION ALL
      SELECT c.*, 'escalation' FROM candidates c
      WHERE follow_up_overdue(c.status, c.last_contact_date, c.created_at, o.escalation_threshold_days, o.timezone, p_now)) l
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


--
-- Name: jobs_reconcile(uuid, uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.jobs_reconcile(p_org uuid, p_run uuid, p_now timestamp with time zone) RETURNS TABLE(mentors_checked bigint, discrepancies bigint, new_discrepancies bigint, resolved bigint)
    LANGUAGE sql
    SET search_path TO 'public', 'pg_temp'
    AS $$
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


--
-- Name: jobs_return_dates_passed(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.jobs_return_dates_passed(p_org uuid, p_now timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
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


--
-- Name: peer_mentors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.peer_mentors (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    certification_expires_at date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    listed_publicly boolean DEFAULT false NOT NULL,
    CONSTRAINT peer_mentors_status_valid CHECK ((status = ANY (ARRAY['active'::text, 'paused'::text, 'pending_reactivation'::text, 'inactive'::text]))),
    CONSTRAINT peer_mentors_version_positive CHECK ((version > 0))
);


--
-- Name: mentor_acknowledge(uuid, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_acknowledge(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'acknowledge', NULL, NULL, p_expected_version, p_now, acting_person()) $$;


--
-- Name: mentor_actor_relation(public.people, uuid, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_actor_relation(actor public.people, p_mentor uuid, p_org uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN CASE
    WHEN actor.id IS NULL THEN 'system'
    WHEN actor.organization_id <> p_org THEN NULL
    WHEN actor.id = p_mentor THEN 'self'
    WHEN actor.org_admin THEN 'admin'
    WHEN EXISTS (SELECT 1 FROM chapter_memberships mm JOIN chapter_memberships cm ON cm.chapter_id = mm.chapter_id
                 WHERE mm.person_id = p_mentor AND mm.role = 'peer_mentor' AND cm.person_id = actor.id AND cm.role = 'coordinator')
      THEN 'coordinator'
  END;
END $$;


--
-- Name: mentor_certification_expire(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_certification_expire(p_mentor uuid, p_now timestamp with time zone) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  m peer_mentors;
BEGIN
  SELECT * INTO m FROM peer_mentors WHERE id = p_mentor FOR UPDATE;
  IF m.id IS NULL OR m.status NOT IN ('active', 'pending_reactivation') OR m.certification_expires_at IS NULL
     OR m.certification_expires_at >= (p_now AT TIME ZONE (SELECT timezone FROM organizations WHERE id = m.organization_id))::date THEN
    RETURN false;
  END IF;
  PERFORM mentor_transition(p_mentor, 'certification_expiry', NULL, NULL, NULL, p_now, NULL::people);
  RETURN true;
END $$;


--
-- Name: mentor_certification_set(uuid, date, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_certification_set(p_mentor uuid, p_expires_at date, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  actor people := acting_person();
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


--
-- Name: mentor_chapter_ids(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_chapter_ids(p_mentor uuid) RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(chapter_id ORDER BY chapter_id), '{}') FROM chapter_memberships
          WHERE person_id = p_mentor AND role = 'peer_mentor');
END $$;


--
-- Name: mentor_clean_text(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_clean_text(t text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $_$ SELECT nullif(regexp_replace(t, '^\s+|\s+$', '', 'g'), '') $_$;


--
-- Name: mentor_deactivate(uuid, text, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_deactivate(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'deactivate', p_reason, NULL, p_expected_version, p_now, acting_person()) $$;


--
-- Name: mentor_hold(uuid, text, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_hold(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'hold', p_reason, NULL, p_expected_version, p_now, acting_person()) $$;


--
-- Name: mentor_pause(uuid, text, date, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_pause(p_mentor uuid, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'pause', p_reason, p_expected_return_date, p_expected_version, p_now, acting_person()) $$;


--
-- Name: mentor_reactivate(uuid, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_reactivate(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) RETURNS public.peer_mentors
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT mentor_transition(p_mentor, 'reactivate', NULL, NULL, p_expected_version, p_now, acting_person()) $$;


--
-- Name: mentor_set_listing(uuid, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_set_listing(p_mentor uuid, p_listed boolean) RETURNS public.peer_mentors
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  actor people := acting_person();
  m peer_mentors;
  relation text;
BEGIN
  SELECT * INTO m FROM peer_mentors WHERE id = p_mentor FOR UPDATE;
  relation := CASE WHEN m.id IS NULL THEN NULL ELSE mentor_actor_relation(actor, m.id, m.organization_id) END;
  IF relation IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Mentor was not found.';
  END IF;
  IF relation <> 'self' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only the mentor chooses whether their name is shown on the chapter website.';
  END IF;
  IF p_listed IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'listed_publicly',
      DETAIL = 'listed_publicly is required (true or false).';
  END IF;
  UPDATE peer_mentors SET listed_publicly = p_listed WHERE id = m.id RETURNING * INTO m;
  RETURN m;
END $$;


--
-- Name: mentor_transition(uuid, text, text, date, integer, timestamp with time zone, public.people); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mentor_transition(p_mentor uuid, p_transition text, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone, actor public.people) RETURNS public.peer_mentors
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
  occurred text := rfc3339(p_now);
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


--
-- Name: notification_audiences(bigint[], uuid[], uuid[], uuid[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notification_audiences(p_keys bigint[], p_orgs uuid[], p_mentors uuid[], p_chapters uuid[]) RETURNS TABLE(key bigint, person_id uuid, via text)
    LANGUAGE sql STABLE
    SET search_path TO 'public', 'pg_temp'
    AS $$
  WITH asked AS (
    SELECT * FROM unnest(p_keys, p_orgs, p_mentors, p_chapters) AS a(key, org, mentor, chapter)
  ), chapters AS (
    SELECT a.key, a.chapter AS chapter_id FROM asked a WHERE a.chapter IS NOT NULL
    UNION
    SELECT a.key, m.chapter_id FROM asked a JOIN chapter_memberships m ON m.person_id = a.mentor AND m.role = 'peer_mentor'
    WHERE a.chapter IS NULL
  ), coordinators AS (
    SELECT DISTINCT a.key, m.person_id FROM asked a
    JOIN chapters c ON c.key = a.key
    JOIN chapter_memberships m ON m.chapter_id = c.chapter_id AND m.role = 'coordinator' AND m.organization_id = a.org
    WHERE m.person_id IS DISTINCT FROM a.mentor
  )
  SELECT c.key, c.person_id, 'coordinator' FROM coordinators c
  UNION ALL
  SELECT a.key, p.id, 'org_admin' FROM asked a
  JOIN people p ON p.organization_id = a.org AND p.org_admin AND p.id IS DISTINCT FROM a.mentor
  WHERE NOT EXISTS (SELECT 1 FROM coordinators c WHERE c.key = a.key) $$;


--
-- Name: notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[], uuid[], uuid[], bigint[], text[], text[], timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notification_create_many(p_ids uuid[], p_orgs uuid[], p_recipients uuid[], p_types text[], p_channels text[], p_statuses text[], p_titles text[], p_bodies text[], p_data jsonb[], p_mentors uuid[], p_pauses uuid[], p_assignments uuid[], p_outboxes bigint[], p_keys text[], p_errors text[], p_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS SETOF uuid
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
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
                               pause_id, assignment_id, outbox_id, idempotency_key, error, sent_at, next_attempt_at,
                               quiet_hours_until)
    SELECT coalesce(i.id, gen_random_uuid()), i.org, i.recipient, i.type, i.channel, i.st, i.title, i.body,
           coalesce(i.data, '{}'), i.mentor, pr.id, i.assignment, i.outbox, i.key, i.error,
           CASE WHEN i.st = 'sent' THEN now() END,
           CASE WHEN q.push THEN coalesce(q.until, p_at, now()) END,
           q.until
    FROM input i
    LEFT JOIN pause_records pr ON pr.id = i.pause -- a pause record deleted meanwhile: no link
    CROSS JOIN LATERAL (SELECT i.st = 'pending' AND i.channel = 'push' AS push) k
    CROSS JOIN LATERAL (SELECT k.push, CASE WHEN k.push THEN quiet_hours_end(i.recipient, coalesce(p_at, now())) END AS until) q
    ORDER BY i.ord
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, channel, status)
  SELECT array_agg(id), coalesce(bool_or(channel = 'push' AND status = 'pending'), false) INTO created, pushed FROM made;
  IF pushed THEN
    PERFORM pg_notify('likeperson_push', '');
  END IF;
  RETURN QUERY SELECT unnest(coalesce(created, '{}'));
END $$;


--
-- Name: notifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    recipient_id uuid,
    type text NOT NULL,
    channel text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    data jsonb DEFAULT '{}'::jsonb NOT NULL,
    mentor_id uuid,
    pause_id uuid,
    assignment_id uuid,
    outbox_id bigint,
    idempotency_key text NOT NULL,
    digest_id uuid,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone,
    error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    delivered_at timestamp with time zone,
    opened_at timestamp with time zone,
    acknowledged_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    quiet_hours_until timestamp with time zone,
    CONSTRAINT notifications_channel_valid CHECK ((channel = ANY (ARRAY['push'::text, 'in_app'::text]))),
    CONSTRAINT notifications_recipient_or_undeliverable CHECK (((recipient_id IS NOT NULL) OR (status = 'undeliverable'::text))),
    CONSTRAINT notifications_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'held'::text, 'sent'::text, 'delivered'::text, 'opened'::text, 'acknowledged'::text, 'failed'::text, 'undeliverable'::text]))),
    CONSTRAINT notifications_type_valid CHECK ((type = ANY (ARRAY['mentor_paused'::text, 'mentor_reactivated'::text, 'mentor_deactivated'::text, 'certification_expiry_auto_pause'::text, 'reactivation_pending_ack'::text, 'pause_confirmation'::text, 'reactivation_confirmation'::text, 'pause_digest'::text, 'honorarium_threshold_reached'::text, 'follow_up_reminder'::text, 'follow_up_escalation'::text, 'certification_expiring'::text, 'return_date_passed'::text])))
);


--
-- Name: notification_json(public.notifications); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notification_json(n public.notifications) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
  SELECT jsonb_build_object(
    'id', n.id, 'type', n.type, 'title', n.title, 'body', n.body, 'data', n.data, 'status', n.status,
    'created_at', rfc3339(n.created_at),
    'delivered_at', rfc3339(n.delivered_at),
    'opened_at', rfc3339(n.opened_at),
    'acknowledged_at', rfc3339(n.acknowledged_at)) $$;


--
-- Name: notification_publish(uuid[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notification_publish(p_ids uuid[]) RETURNS integer
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
    WHERE notification_published(x)
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


--
-- Name: notification_published(public.notifications); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notification_published(n public.notifications) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT n.channel = 'in_app' AND n.status <> 'held' AND n.recipient_id IS NOT NULL $$;


--
-- Name: notification_recipient_name(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notification_recipient_name(p_person uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT display_name FROM people WHERE id = p_person AND organization_id = auth_org_id() $$;


--
-- Name: notification_status_rank(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notification_status_rank(s text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$
  SELECT CASE s WHEN 'held' THEN 0 WHEN 'pending' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3
                WHEN 'opened' THEN 4 WHEN 'acknowledged' THEN 5 ELSE 99 END $$;


--
-- Name: notifications_guard(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.notifications_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND (
       OLD.status IN ('failed', 'undeliverable')
       OR (NEW.status NOT IN ('failed', 'undeliverable')
           AND notification_status_rank(NEW.status) < notification_status_rank(OLD.status))) THEN
    RAISE EXCEPTION USING ERRCODE = 'LP409', MESSAGE = 'status_regression',
      DETAIL = format('Notification status moves forward only; %s -> %s is not allowed.', OLD.status, NEW.status);
  END IF;
  IF NEW.recipient_id IS DISTINCT FROM OLD.recipient_id OR NEW.type IS DISTINCT FROM OLD.type
     OR NEW.idempotency_key IS DISTINCT FROM OLD.idempotency_key OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'immutable_field', DETAIL = 'A notification''s recipient, type and key never change.';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;


--
-- Name: person_language_set(text, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.person_language_set(p_language text, p_only_if_unset boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  IF p_language IS NULL OR p_language NOT IN ('nb', 'en') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'language',
      DETAIL = 'language is nb (Norwegian Bokmål) or en (English).';
  END IF;
  UPDATE people SET language = p_language
  WHERE id = current_person_id() AND (NOT p_only_if_unset OR language IS NULL) AND language IS DISTINCT FROM p_language;
END $$;


--
-- Name: quiet_hours_end(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.quiet_hours_end(p_person uuid, p_at timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT CASE WHEN e.until > p_at THEN e.until END
  FROM people p
  JOIN organizations o ON o.id = p.organization_id
  CROSS JOIN LATERAL (SELECT (p_at AT TIME ZONE o.timezone)::time AS t, (p_at AT TIME ZONE o.timezone)::date AS d) l
  CROSS JOIN LATERAL (SELECT CASE
      WHEN p.quiet_hours_start < p.quiet_hours_end AND l.t >= p.quiet_hours_start AND l.t < p.quiet_hours_end
        THEN (l.d + p.quiet_hours_end) AT TIME ZONE o.timezone
      WHEN p.quiet_hours_start > p.quiet_hours_end AND l.t >= p.quiet_hours_start
        THEN (l.d + 1 + p.quiet_hours_end) AT TIME ZONE o.timezone
      WHEN p.quiet_hours_start > p.quiet_hours_end AND l.t < p.quiet_hours_end
        THEN (l.d + p.quiet_hours_end) AT TIME ZONE o.timezone
    END AS until) e
  WHERE p.id = p_person AND p.quiet_hours_enabled $$;


--
-- Name: quiet_hours_get(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.quiet_hours_get() RETURNS TABLE(enabled boolean, start text, "end" text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT p.quiet_hours_enabled, to_char(p.quiet_hours_start, 'HH24:MI'), to_char(p.quiet_hours_end, 'HH24:MI')
  FROM people p WHERE p.id = current_person_id() $$;


--
-- Name: quiet_hours_set(boolean, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.quiet_hours_set(p_enabled boolean, p_start text, p_end text) RETURNS TABLE(enabled boolean, start text, "end" text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $_$
DECLARE
  pattern constant text := '^([01][0-9]|2[0-3]):[0-5][0-9]$';
  errors jsonb := '{}';
  codes jsonb := '{}';
BEGIN
  IF current_person_id() IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No person is acting.';
  END IF;
  IF p_enabled IS NULL THEN
    errors := errors || jsonb_build_object('enabled', jsonb_build_array('enabled is required: true or false.'));
    codes := codes || '{"enabled": "required"}';
  END IF;
  IF p_start IS NULL OR p_start !~ pattern THEN
    errors := errors || jsonb_build_object('start', jsonb_build_array('start is a 24-hour time "HH:MM", 00:00 to 23:59.'));
    codes := codes || '{"start": "time_format"}';
  END IF;
  IF p_end IS NULL OR p_end !~ pattern THEN
    errors := errors || jsonb_build_object('end', jsonb_build_array('end is a 24-hour time "HH:MM", 00:00 to 23:59.'));
    codes := codes || '{"end": "time_format"}';
  ELSIF p_start ~ pattern AND p_start = p_end THEN
    errors := errors || jsonb_build_object('end', jsonb_build_array('end must differ from start (a window may cross midnight).'));
    codes := codes || '{"end": "same_as_start"}';
  END IF;
  IF errors <> '{}' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', DETAIL = 'One or more fields are invalid.',
      HINT = jsonb_build_object('errors', errors, 'codes', codes)::text;
  END IF;
  UPDATE people SET quiet_hours_enabled = p_enabled, quiet_hours_start = p_start::time, quiet_hours_end = p_end::time
  WHERE id = current_person_id();
  RETURN QUERY SELECT * FROM quiet_hours_get();
END $_$;


--
-- Name: report_whole_days(timestamp with time zone, timestamp with time zone, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.report_whole_days(p_since timestamp with time zone, p_until timestamp with time zone, p_lo timestamp with time zone, p_hi timestamp with time zone) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- No SET clause, so PostgreSQL inlines it (it runs once per interval and month). Seconds as double precision
  -- (date_part), not numeric (extract), for speed: whole multiples of a day stay exact, and a
  -- microsecond more or less still moves floor and ceil over spans of many years.
  SELECT greatest(0,
    least(floor(date_part('epoch', p_until - p_since) / 86400), ceil(date_part('epoch', p_hi - p_since) / 86400) - 1)
    - greatest(1, ceil(date_part('epoch', p_lo - p_since) / 86400)) + 1)::int
$$;


--
-- Name: rfc3339(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.rfc3339(t timestamp with time zone) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;


--
-- Name: set_updated_at(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;


--
-- Name: stream_advance(uuid, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.stream_advance(p_org uuid, p_count integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  last bigint;
BEGIN
  INSERT INTO stream_positions AS s (organization_id, last_position) VALUES (p_org, p_count)
  ON CONFLICT (organization_id) DO UPDATE SET last_position = s.last_position + p_count
  RETURNING last_position INTO last;
  -- Only a wake-up hint for the stream listeners (delivered at commit); the table is the truth.
  PERFORM pg_notify('likeperson_changes', p_org::text);
  RETURN last;
END $$;


--
-- Name: stream_scope_changed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.stream_scope_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  org uuid;
BEGIN
  IF TG_TABLE_NAME = 'people' AND TG_OP = 'UPDATE' THEN
    IF OLD.org_admin = NEW.org_admin THEN RETURN NULL; END IF; -- a nested IF: plpgsql does not short-circuit field access
  END IF;
  org := CASE WHEN TG_OP = 'DELETE' THEN OLD.organization_id ELSE NEW.organization_id END;
  INSERT INTO stream_state AS s (organization_id, scope_epoch)
  SELECT org, 1 WHERE EXISTS (SELECT 1 FROM organizations WHERE id = org)
  ON CONFLICT (organization_id) DO UPDATE SET scope_epoch = s.scope_epoch + 1;
  PERFORM pg_notify('likeperson_changes', org::text);
  RETURN NULL;
END $$;


--
-- Name: web_push_subscribe(text, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.web_push_subscribe(p_endpoint text, p_p256dh text, p_auth text, p_device_name text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  me uuid := current_person_id();
  org uuid := (SELECT organization_id FROM people WHERE id = me);
  holder web_push_subscriptions;
  result uuid;
BEGIN
  IF org IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No such person in any organisation.';
  END IF;
  PERFORM 1 FROM people WHERE id = me FOR UPDATE; -- one subscribe per person at a time, so the count below holds
  SELECT * INTO holder FROM web_push_subscriptions WHERE endpoint = p_endpoint FOR UPDATE;
  IF holder.person_id IS DISTINCT FROM me AND (SELECT count(*) FROM web_push_subscriptions WHERE person_id = me) >= 20 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'too_many_subscriptions', HINT = 'endpoint',
      DETAIL = 'At most 20 devices can get notifications; remove one on the notification settings page first.';
  END IF;
  INSERT INTO web_push_subscriptions AS w (endpoint, p256dh, auth, device_name, person_id, organization_id)
  VALUES (p_endpoint, p_p256dh, p_auth, p_device_name, me, org)
  ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, device_name = excluded.device_name,
    person_id = excluded.person_id, organization_id = excluded.organization_id, updated_at = now(),
    created_at = CASE WHEN w.person_id = excluded.person_id THEN w.created_at ELSE now() END
  RETURNING id INTO result;
  RETURN result;
END $$;


--
-- Name: web_session_end(uuid, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.web_session_end(p_session uuid, p_expires timestamp with time zone) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  DELETE FROM web_session_ends WHERE expires_at < now();
  INSERT INTO web_session_ends (session_id, expires_at)
  SELECT p_session, p_expires WHERE current_person_id() IS NOT NULL
  ON CONFLICT (session_id) DO NOTHING;
$$;


--
-- Name: web_session_ended(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.web_session_ended(p_session uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT EXISTS (SELECT 1 FROM web_session_ends WHERE session_id = p_session)
      OR EXISTS (SELECT 1 FROM identity_sessions WHERE session_id = p_session AND link_id IS NULL);
$$;


--
-- Name: certification_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.certification_changes (
    id bigint NOT NULL,
    mentor_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    previous_expires_at date,
    expires_at date,
    changed_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: certification_changes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.certification_changes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.certification_changes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: certification_warnings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.certification_warnings (
    mentor_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    expires_on date NOT NULL,
    threshold_days integer NOT NULL,
    sent_at timestamp with time zone NOT NULL,
    CONSTRAINT certification_warnings_threshold_positive CHECK ((threshold_days > 0))
);


--
-- Name: change_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.change_events (
    organization_id uuid NOT NULL,
    "position" bigint NOT NULL,
    event_type text NOT NULL,
    chapter_ids uuid[] DEFAULT '{}'::uuid[] NOT NULL,
    mentor_id uuid,
    recipient_id uuid,
    payload jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT change_events_type_valid CHECK ((event_type = ANY (ARRAY['assignment.created'::text, 'assignment.updated'::text, 'mentor.status_changed'::text, 'notification.created'::text])))
);


--
-- Name: chapter_memberships; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.chapter_memberships (
    person_id uuid NOT NULL,
    chapter_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT chapter_memberships_role_valid CHECK ((role = ANY (ARRAY['peer_mentor'::text, 'coordinator'::text])))
);


--
-- Name: chapters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.chapters (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT chapters_name_length CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 200)))
);


--
-- Name: contacts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contacts (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    chapter_id uuid NOT NULL,
    display_name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT contacts_display_name_length CHECK (((char_length(btrim(display_name)) >= 1) AND (char_length(btrim(display_name)) <= 200)))
);


--
-- Name: data_protection_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.data_protection_keys (
    id bigint NOT NULL,
    friendly_name text,
    xml text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: data_protection_keys_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.data_protection_keys ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.data_protection_keys_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: devices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.devices (
    token text NOT NULL,
    person_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    platform text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_registered_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT devices_platform_valid CHECK ((platform = ANY (ARRAY['android'::text, 'ios'::text, 'web'::text]))),
    CONSTRAINT devices_token_length CHECK (((char_length(token) >= 1) AND (char_length(token) <= 4096)))
);


--
-- Name: follow_up_notices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.follow_up_notices (
    assignment_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    level text NOT NULL,
    basis timestamp with time zone NOT NULL,
    sent_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT follow_up_notices_level_check CHECK ((level = ANY (ARRAY['reminder'::text, 'escalation'::text])))
);


--
-- Name: identity_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.identity_sessions (
    session_id uuid NOT NULL,
    link_id uuid,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: invitations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invitations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    organization_id uuid NOT NULL,
    person_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    used_by_link uuid,
    CONSTRAINT invitations_code_hash_sha256 CHECK ((octet_length(code_hash) = 32)),
    CONSTRAINT invitations_expires_after_creation CHECK ((expires_at > created_at))
);


--
-- Name: job_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.job_runs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    job text NOT NULL,
    organization_id uuid,
    slot timestamp with time zone,
    trigger text NOT NULL,
    status text DEFAULT 'running'::text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    started_by uuid,
    stats jsonb DEFAULT '{}'::jsonb NOT NULL,
    error text,
    CONSTRAINT job_runs_finished_when_done CHECK (((status = 'running'::text) = (finished_at IS NULL))),
    CONSTRAINT job_runs_job_valid CHECK ((job = ANY (ARRAY['certification-expiry'::text, 'follow-up-reminders'::text, 'pause-digest'::text, 'reconciliation'::text, 'retention'::text]))),
    CONSTRAINT job_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text]))),
    CONSTRAINT job_runs_trigger_check CHECK ((trigger = ANY (ARRAY['scheduled'::text, 'catch_up'::text, 'manual'::text])))
);


--
-- Name: mentor_status_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mentor_status_log (
    id bigint NOT NULL,
    organization_id uuid NOT NULL,
    mentor_id uuid NOT NULL,
    transition text NOT NULL,
    previous_status text NOT NULL,
    new_status text NOT NULL,
    version integer NOT NULL,
    kind text,
    reason text,
    actor_id uuid,
    pause_id uuid,
    occurred_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mentor_status_log_kind_check CHECK ((kind = ANY (ARRAY['voluntary'::text, 'coordinator'::text, 'certification_expired'::text]))),
    CONSTRAINT mentor_status_log_new_status_check CHECK ((new_status = ANY (ARRAY['active'::text, 'paused'::text, 'pending_reactivation'::text, 'inactive'::text]))),
    CONSTRAINT mentor_status_log_previous_status_check CHECK ((previous_status = ANY (ARRAY['active'::text, 'paused'::text, 'pending_reactivation'::text, 'inactive'::text]))),
    CONSTRAINT mentor_status_log_reason_check CHECK ((char_length(reason) <= 200)),
    CONSTRAINT mentor_status_log_transition_valid CHECK ((transition = ANY (ARRAY['pause'::text, 'reactivate'::text, 'acknowledge'::text, 'hold'::text, 'deactivate'::text, 'certification_expiry'::text])))
);


--
-- Name: mentor_status_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.mentor_status_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.mentor_status_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: notification_preferences; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notification_preferences (
    person_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    type text NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    channels text DEFAULT 'both'::text NOT NULL,
    mode text DEFAULT 'immediate'::text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT notification_preferences_channels_valid CHECK ((channels = ANY (ARRAY['push'::text, 'in_app'::text, 'both'::text]))),
    CONSTRAINT notification_preferences_critical CHECK (((type <> 'certification_expiry_auto_pause'::text) OR (enabled AND (mode = 'immediate'::text)))),
    CONSTRAINT notification_preferences_mode_valid CHECK ((mode = ANY (ARRAY['immediate'::text, 'digest'::text]))),
    CONSTRAINT notification_preferences_type_valid CHECK ((type = ANY (ARRAY['mentor_paused'::text, 'mentor_reactivated'::text, 'certification_expiry_auto_pause'::text, 'reactivation_pending_ack'::text, 'certification_expiring'::text, 'return_date_passed'::text])))
);


--
-- Name: organizations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organizations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    require_reactivation_ack boolean DEFAULT false NOT NULL,
    reminder_threshold_days integer DEFAULT 10 NOT NULL,
    escalation_threshold_days integer DEFAULT 20 NOT NULL,
    honorarium_thresholds integer[] DEFAULT '{}'::integer[] NOT NULL,
    digest_hour smallint DEFAULT 8 NOT NULL,
    timezone text DEFAULT 'Europe/Oslo'::text NOT NULL,
    push_includes_reason boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    certification_warning_days integer[] DEFAULT '{30,7}'::integer[] NOT NULL,
    CONSTRAINT organizations_certification_warning_days_valid CHECK (((array_position(certification_warning_days, NULL::integer) IS NULL) AND (cardinality(certification_warning_days) <= 10) AND (0 < ALL (certification_warning_days)) AND (365 >= ALL (certification_warning_days)))),
    CONSTRAINT organizations_digest_hour_range CHECK (((digest_hour >= 0) AND (digest_hour <= 23))),
    CONSTRAINT organizations_escalation_after_reminder CHECK ((escalation_threshold_days >= reminder_threshold_days)),
    CONSTRAINT organizations_escalation_threshold_days_range CHECK (((escalation_threshold_days >= 1) AND (escalation_threshold_days <= 365))),
    CONSTRAINT organizations_honorarium_thresholds_positive CHECK (((0 < ALL (honorarium_thresholds)) AND (array_position(honorarium_thresholds, NULL::integer) IS NULL))),
    CONSTRAINT organizations_name_length CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 200))),
    CONSTRAINT organizations_reminder_threshold_days_positive CHECK (((reminder_threshold_days >= 1) AND (reminder_threshold_days <= 365))),
    CONSTRAINT organizations_timezone_known CHECK (public.is_valid_timezone(timezone))
);


--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    id bigint NOT NULL,
    organization_id uuid NOT NULL,
    kind text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    available_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    processed_at timestamp with time zone,
    last_error text,
    CONSTRAINT outbox_kind_valid CHECK ((kind = ANY (ARRAY['mentor_status_changed'::text, 'honorarium_threshold_reached'::text, 'follow_up_reminder'::text, 'follow_up_escalation'::text, 'certification_expiring'::text, 'return_date_passed'::text])))
);


--
-- Name: outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: pause_records; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pause_records (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    mentor_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    status text NOT NULL,
    kind text NOT NULL,
    pause_reason text,
    expected_return_date date,
    paused_at timestamp with time zone DEFAULT now() NOT NULL,
    reactivated_at timestamp with time zone,
    ended_at timestamp with time zone,
    coordinator_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT pause_records_end_after_start CHECK (((ended_at IS NULL) OR (ended_at >= paused_at))),
    CONSTRAINT pause_records_ended_iff_active CHECK (((status = 'active'::text) = (ended_at IS NOT NULL))),
    CONSTRAINT pause_records_expired_cert_kind CHECK (((status = 'expired_cert'::text) = ((kind = 'certification_expired'::text) AND (status <> 'active'::text)))),
    CONSTRAINT pause_records_kind_valid CHECK ((kind = ANY (ARRAY['voluntary'::text, 'coordinator'::text, 'certification_expired'::text]))),
    CONSTRAINT pause_records_reactivated_only_when_ended CHECK (((reactivated_at IS NULL) OR (status = 'active'::text))),
    CONSTRAINT pause_records_reason_length CHECK ((char_length(pause_reason) <= 200)),
    CONSTRAINT pause_records_status_valid CHECK ((status = ANY (ARRAY['active'::text, 'paused'::text, 'expired_cert'::text])))
);


--
-- Name: reconciliation_discrepancies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reconciliation_discrepancies (
    id bigint NOT NULL,
    run_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    mentor_id uuid,
    kind text NOT NULL,
    detail text NOT NULL,
    found_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    resolved_at timestamp with time zone,
    CONSTRAINT reconciliation_discrepancies_kind_valid CHECK ((kind = ANY (ARRAY['status_mismatch'::text, 'missing_live_pause'::text, 'unexpected_live_pause'::text, 'status_log_mismatch'::text, 'status_log_gap'::text])))
);


--
-- Name: reconciliation_discrepancies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.reconciliation_discrepancies ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.reconciliation_discrepancies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: return_date_notices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.return_date_notices (
    pause_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    expected_return_date date NOT NULL,
    sent_at timestamp with time zone NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: stream_positions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stream_positions (
    organization_id uuid NOT NULL,
    last_position bigint DEFAULT 0 NOT NULL
);


--
-- Name: stream_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stream_state (
    organization_id uuid NOT NULL,
    scope_epoch bigint DEFAULT 0 NOT NULL,
    pruned_through bigint DEFAULT 0 NOT NULL,
    CONSTRAINT stream_state_pruned_through_nonnegative CHECK ((pruned_through >= 0))
);


--
-- Name: web_push_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.web_push_keys (
    id boolean DEFAULT true NOT NULL,
    public_key text NOT NULL,
    private_key text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT web_push_keys_one CHECK (id)
);


--
-- Name: web_push_subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.web_push_subscriptions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    endpoint text NOT NULL,
    p256dh text NOT NULL,
    auth text NOT NULL,
    device_name text NOT NULL,
    person_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT web_push_subscriptions_auth_length CHECK (((char_length(auth) >= 1) AND (char_length(auth) <= 100))),
    CONSTRAINT web_push_subscriptions_device_name_length CHECK (((char_length(device_name) >= 1) AND (char_length(device_name) <= 100))),
    CONSTRAINT web_push_subscriptions_endpoint_length CHECK (((char_length(endpoint) >= 1) AND (char_length(endpoint) <= 2048))),
    CONSTRAINT web_push_subscriptions_p256dh_length CHECK (((char_length(p256dh) >= 1) AND (char_length(p256dh) <= 200)))
);


--
-- Name: web_session_ends; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.web_session_ends (
    session_id uuid NOT NULL,
    ended_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: assignment_activities assignment_activities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignment_activities
    ADD CONSTRAINT assignment_activities_pkey PRIMARY KEY (id);


--
-- Name: assignments assignments_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: assignments assignments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_pkey PRIMARY KEY (id);


--
-- Name: certification_changes certification_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_changes
    ADD CONSTRAINT certification_changes_pkey PRIMARY KEY (id);


--
-- Name: certification_warnings certification_warnings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_warnings
    ADD CONSTRAINT certification_warnings_pkey PRIMARY KEY (mentor_id, expires_on, threshold_days);


--
-- Name: change_events change_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.change_events
    ADD CONSTRAINT change_events_pkey PRIMARY KEY (organization_id, "position");


--
-- Name: chapter_memberships chapter_memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chapter_memberships
    ADD CONSTRAINT chapter_memberships_pkey PRIMARY KEY (person_id, chapter_id, role);


--
-- Name: chapters chapters_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chapters
    ADD CONSTRAINT chapters_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: chapters chapters_name_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chapters
    ADD CONSTRAINT chapters_name_unique UNIQUE (organization_id, name);


--
-- Name: chapters chapters_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chapters
    ADD CONSTRAINT chapters_pkey PRIMARY KEY (id);


--
-- Name: contacts contacts_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: contacts contacts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_pkey PRIMARY KEY (id);


--
-- Name: data_protection_keys data_protection_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.data_protection_keys
    ADD CONSTRAINT data_protection_keys_pkey PRIMARY KEY (id);


--
-- Name: devices devices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_pkey PRIMARY KEY (token);


--
-- Name: follow_up_notices follow_up_notices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up_notices
    ADD CONSTRAINT follow_up_notices_pkey PRIMARY KEY (assignment_id, level, basis);


--
-- Name: identity_links identity_links_identity_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_links
    ADD CONSTRAINT identity_links_identity_unique UNIQUE (issuer, subject);


--
-- Name: identity_links identity_links_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_links
    ADD CONSTRAINT identity_links_pkey PRIMARY KEY (id);


--
-- Name: identity_sessions identity_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sessions
    ADD CONSTRAINT identity_sessions_pkey PRIMARY KEY (session_id);


--
-- Name: invitations invitations_code_hash_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_code_hash_unique UNIQUE (code_hash);


--
-- Name: invitations invitations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_pkey PRIMARY KEY (id);


--
-- Name: job_runs job_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.job_runs
    ADD CONSTRAINT job_runs_pkey PRIMARY KEY (id);


--
-- Name: mentor_status_log mentor_status_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mentor_status_log
    ADD CONSTRAINT mentor_status_log_pkey PRIMARY KEY (id);


--
-- Name: notification_preferences notification_preferences_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notification_preferences
    ADD CONSTRAINT notification_preferences_pkey PRIMARY KEY (person_id, type);


--
-- Name: notifications notifications_idempotency_key_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_idempotency_key_unique UNIQUE (idempotency_key);


--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);


--
-- Name: organizations organizations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);


--
-- Name: pause_records pause_records_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pause_records
    ADD CONSTRAINT pause_records_pkey PRIMARY KEY (id);


--
-- Name: peer_mentors peer_mentors_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.peer_mentors
    ADD CONSTRAINT peer_mentors_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: peer_mentors peer_mentors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.peer_mentors
    ADD CONSTRAINT peer_mentors_pkey PRIMARY KEY (id);


--
-- Name: people people_id_organization_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_id_organization_id_key UNIQUE (id, organization_id);


--
-- Name: people people_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (id);


--
-- Name: reconciliation_discrepancies reconciliation_discrepancies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_discrepancies
    ADD CONSTRAINT reconciliation_discrepancies_pkey PRIMARY KEY (id);


--
-- Name: return_date_notices return_date_notices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.return_date_notices
    ADD CONSTRAINT return_date_notices_pkey PRIMARY KEY (pause_id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: stream_positions stream_positions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stream_positions
    ADD CONSTRAINT stream_positions_pkey PRIMARY KEY (organization_id);


--
-- Name: stream_state stream_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stream_state
    ADD CONSTRAINT stream_state_pkey PRIMARY KEY (organization_id);


--
-- Name: web_push_keys web_push_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.web_push_keys
    ADD CONSTRAINT web_push_keys_pkey PRIMARY KEY (id);


--
-- Name: web_push_subscriptions web_push_subscriptions_endpoint_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.web_push_subscriptions
    ADD CONSTRAINT web_push_subscriptions_endpoint_key UNIQUE (endpoint);


--
-- Name: web_push_subscriptions web_push_subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.web_push_subscriptions
    ADD CONSTRAINT web_push_subscriptions_pkey PRIMARY KEY (id);


--
-- Name: web_session_ends web_session_ends_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.web_session_ends
    ADD CONSTRAINT web_session_ends_pkey PRIMARY KEY (session_id);


--
-- Name: assignment_activities_assignment; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignment_activities_assignment ON public.assignment_activities USING btree (assignment_id, occurred_at);


--
-- Name: assignments_chapter_board; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignments_chapter_board ON public.assignments USING btree (chapter_id, status, created_at DESC, id);


--
-- Name: assignments_chapter_newest; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignments_chapter_newest ON public.assignments USING btree (chapter_id, created_at DESC, id);


--
-- Name: assignments_follow_up_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignments_follow_up_due ON public.assignments USING btree (organization_id, COALESCE(last_contact_date, created_at)) WHERE (status = ANY (ARRAY['open'::text, 'pending'::text]));


--
-- Name: assignments_org_newest; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assignments_org_newest ON public.assignments USING btree (organization_id, created_at DESC, id);


--
-- Name: certification_changes_mentor; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX certification_changes_mentor ON public.certification_changes USING btree (mentor_id, changed_at);


--
-- Name: change_events_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX change_events_created ON public.change_events USING btree (created_at);


--
-- Name: chapter_memberships_chapter_role; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX chapter_memberships_chapter_role ON public.chapter_memberships USING btree (chapter_id, role, person_id);


--
-- Name: contacts_chapter; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contacts_chapter ON public.contacts USING btree (chapter_id);


--
-- Name: devices_person_registered; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX devices_person_registered ON public.devices USING btree (person_id, last_registered_at DESC, token);


--
-- Name: identity_links_person; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_links_person ON public.identity_links USING btree (person_id);


--
-- Name: identity_sessions_link; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX identity_sessions_link ON public.identity_sessions USING btree (link_id);


--
-- Name: idx_assignment_contact_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_assignment_contact_id ON public.assignments USING btree (contact_id);


--
-- Name: idx_assignment_org_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_assignment_org_status ON public.assignments USING btree (organization_id, status);


--
-- Name: idx_assignment_organization_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_assignment_organization_id ON public.assignments USING btree (organization_id);


--
-- Name: idx_assignment_peer_mentor_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_assignment_peer_mentor_id ON public.assignments USING btree (peer_mentor_id);


--
-- Name: idx_assignment_peer_mentor_org_sequence; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_assignment_peer_mentor_org_sequence ON public.assignments USING btree (peer_mentor_id, organization_id, mentor_assignment_sequence);


--
-- Name: idx_assignment_peer_mentor_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_assignment_peer_mentor_status ON public.assignments USING btree (peer_mentor_id, status);


--
-- Name: idx_assignment_status_last_contact; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_assignment_status_last_contact ON public.assignments USING btree (status, last_contact_date);


--
-- Name: invitations_person; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invitations_person ON public.invitations USING btree (person_id);


--
-- Name: job_runs_one_global_per_slot; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX job_runs_one_global_per_slot ON public.job_runs USING btree (job, slot) WHERE ((slot IS NOT NULL) AND (organization_id IS NULL));


--
-- Name: job_runs_one_manual_running; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX job_runs_one_manual_running ON public.job_runs USING btree (job, organization_id) NULLS NOT DISTINCT WHERE ((trigger = 'manual'::text) AND (status = 'running'::text));


--
-- Name: job_runs_one_per_slot; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX job_runs_one_per_slot ON public.job_runs USING btree (job, organization_id, slot) WHERE (slot IS NOT NULL);


--
-- Name: job_runs_recent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX job_runs_recent ON public.job_runs USING btree (organization_id, job, started_at DESC);


--
-- Name: mentor_status_log_mentor; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mentor_status_log_mentor ON public.mentor_status_log USING btree (mentor_id, id);


--
-- Name: notifications_failed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_failed ON public.notifications USING btree (organization_id) WHERE (status = 'failed'::text);


--
-- Name: notifications_held; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_held ON public.notifications USING btree (recipient_id) WHERE (status = 'held'::text);


--
-- Name: notifications_inbox; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_inbox ON public.notifications USING btree (recipient_id, created_at DESC, id) WHERE (channel = 'in_app'::text);


--
-- Name: notifications_pause; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_pause ON public.notifications USING btree (pause_id);


--
-- Name: notifications_push_queue; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_push_queue ON public.notifications USING btree (COALESCE(next_attempt_at, '-infinity'::timestamp with time zone), id) WHERE ((channel = 'push'::text) AND (status = 'pending'::text));


--
-- Name: notifications_undeliverable; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_undeliverable ON public.notifications USING btree (organization_id) WHERE (status = 'undeliverable'::text);


--
-- Name: outbox_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_pending ON public.outbox USING btree (available_at, id) WHERE (processed_at IS NULL);


--
-- Name: pause_records_live_roster; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pause_records_live_roster ON public.pause_records USING btree (organization_id, paused_at DESC, mentor_id) WHERE (status = ANY (ARRAY['paused'::text, 'expired_cert'::text]));


--
-- Name: pause_records_mentor_history; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pause_records_mentor_history ON public.pause_records USING btree (mentor_id, paused_at);


--
-- Name: pause_records_one_live_per_mentor; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX pause_records_one_live_per_mentor ON public.pause_records USING btree (mentor_id) WHERE (status = ANY (ARRAY['paused'::text, 'expired_cert'::text]));


--
-- Name: peer_mentors_certification_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX peer_mentors_certification_due ON public.peer_mentors USING btree (certification_expires_at) WHERE (status = ANY (ARRAY['active'::text, 'pending_reactivation'::text]));


--
-- Name: peer_mentors_org_certification_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX peer_mentors_org_certification_due ON public.peer_mentors USING btree (organization_id, certification_expires_at) WHERE (status = ANY (ARRAY['active'::text, 'pending_reactivation'::text]));


--
-- Name: peer_mentors_org_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX peer_mentors_org_status ON public.peer_mentors USING btree (organization_id, status);


--
-- Name: people_organization_admins; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_organization_admins ON public.people USING btree (organization_id) WHERE org_admin;


--
-- Name: reconciliation_discrepancies_open; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX reconciliation_discrepancies_open ON public.reconciliation_discrepancies USING btree (organization_id, mentor_id, kind) WHERE (resolved_at IS NULL);


--
-- Name: reconciliation_discrepancies_org; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reconciliation_discrepancies_org ON public.reconciliation_discrepancies USING btree (organization_id, id DESC);


--
-- Name: web_push_subscriptions_person; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX web_push_subscriptions_person ON public.web_push_subscriptions USING btree (person_id, created_at);


--
-- Name: assignments assignments_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER assignments_guard BEFORE UPDATE ON public.assignments FOR EACH ROW EXECUTE FUNCTION public.assignments_guard();


--
-- Name: assignments assignments_last_contact_not_future_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER assignments_last_contact_not_future_insert BEFORE INSERT ON public.assignments FOR EACH ROW WHEN ((new.last_contact_date IS NOT NULL)) EXECUTE FUNCTION public.assignments_last_contact_not_future();


--
-- Name: assignments assignments_last_contact_not_future_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER assignments_last_contact_not_future_update BEFORE UPDATE OF last_contact_date ON public.assignments FOR EACH ROW WHEN ((new.last_contact_date IS DISTINCT FROM old.last_contact_date)) EXECUTE FUNCTION public.assignments_last_contact_not_future();


--
-- Name: assignments assignments_publish_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER assignments_publish_update AFTER UPDATE ON public.assignments FOR EACH ROW EXECUTE FUNCTION public.assignments_publish_update();


--
-- Name: chapter_memberships chapter_memberships_stream_scope; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER chapter_memberships_stream_scope AFTER INSERT OR DELETE OR UPDATE ON public.chapter_memberships FOR EACH ROW EXECUTE FUNCTION public.stream_scope_changed();


--
-- Name: chapters chapters_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER chapters_updated_at BEFORE UPDATE ON public.chapters FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: contacts contacts_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER contacts_updated_at BEFORE UPDATE ON public.contacts FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: notification_preferences notification_preferences_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notification_preferences_updated_at BEFORE UPDATE ON public.notification_preferences FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: notifications notifications_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notifications_guard BEFORE UPDATE ON public.notifications FOR EACH ROW EXECUTE FUNCTION public.notifications_guard();


--
-- Name: organizations organizations_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER organizations_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: pause_records pause_records_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER pause_records_updated_at BEFORE UPDATE ON public.pause_records FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: peer_mentors peer_mentors_certification_changes; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER peer_mentors_certification_changes AFTER UPDATE OF certification_expires_at ON public.peer_mentors FOR EACH ROW WHEN ((new.certification_expires_at IS DISTINCT FROM old.certification_expires_at)) EXECUTE FUNCTION public.certification_changes_record();


--
-- Name: peer_mentors peer_mentors_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER peer_mentors_updated_at BEFORE UPDATE ON public.peer_mentors FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: people people_stream_scope; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER people_stream_scope AFTER DELETE OR UPDATE OF org_admin ON public.people FOR EACH ROW EXECUTE FUNCTION public.stream_scope_changed();


--
-- Name: people people_updated_at; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER people_updated_at BEFORE UPDATE ON public.people FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();


--
-- Name: assignment_activities assignment_activities_assignment_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignment_activities
    ADD CONSTRAINT assignment_activities_assignment_id_organization_id_fkey FOREIGN KEY (assignment_id, organization_id) REFERENCES public.assignments(id, organization_id) ON DELETE CASCADE;


--
-- Name: assignment_activities assignment_activities_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignment_activities
    ADD CONSTRAINT assignment_activities_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: assignments assignments_chapter_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_chapter_id_organization_id_fkey FOREIGN KEY (chapter_id, organization_id) REFERENCES public.chapters(id, organization_id);


--
-- Name: assignments assignments_closed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_closed_by_fkey FOREIGN KEY (closed_by) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: assignments assignments_contact_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_contact_id_organization_id_fkey FOREIGN KEY (contact_id, organization_id) REFERENCES public.contacts(id, organization_id);


--
-- Name: assignments assignments_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: assignments assignments_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: assignments assignments_peer_mentor_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assignments
    ADD CONSTRAINT assignments_peer_mentor_id_organization_id_fkey FOREIGN KEY (peer_mentor_id, organization_id) REFERENCES public.peer_mentors(id, organization_id);


--
-- Name: certification_changes certification_changes_mentor_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_changes
    ADD CONSTRAINT certification_changes_mentor_id_organization_id_fkey FOREIGN KEY (mentor_id, organization_id) REFERENCES public.peer_mentors(id, organization_id) ON DELETE CASCADE;


--
-- Name: certification_warnings certification_warnings_mentor_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_warnings
    ADD CONSTRAINT certification_warnings_mentor_id_organization_id_fkey FOREIGN KEY (mentor_id, organization_id) REFERENCES public.peer_mentors(id, organization_id) ON DELETE CASCADE;


--
-- Name: change_events change_events_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.change_events
    ADD CONSTRAINT change_events_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: chapter_memberships chapter_memberships_chapter_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chapter_memberships
    ADD CONSTRAINT chapter_memberships_chapter_id_organization_id_fkey FOREIGN KEY (chapter_id, organization_id) REFERENCES public.chapters(id, organization_id) ON DELETE CASCADE;


--
-- Name: chapter_memberships chapter_memberships_person_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chapter_memberships
    ADD CONSTRAINT chapter_memberships_person_id_organization_id_fkey FOREIGN KEY (person_id, organization_id) REFERENCES public.people(id, organization_id) ON DELETE CASCADE;


--
-- Name: chapters chapters_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chapters
    ADD CONSTRAINT chapters_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: contacts contacts_chapter_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contacts
    ADD CONSTRAINT contacts_chapter_id_organization_id_fkey FOREIGN KEY (chapter_id, organization_id) REFERENCES public.chapters(id, organization_id) ON DELETE CASCADE;


--
-- Name: devices devices_person_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_person_id_organization_id_fkey FOREIGN KEY (person_id, organization_id) REFERENCES public.people(id, organization_id) ON DELETE CASCADE;


--
-- Name: follow_up_notices follow_up_notices_assignment_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up_notices
    ADD CONSTRAINT follow_up_notices_assignment_id_organization_id_fkey FOREIGN KEY (assignment_id, organization_id) REFERENCES public.assignments(id, organization_id) ON DELETE CASCADE;


--
-- Name: identity_links identity_links_person_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_links
    ADD CONSTRAINT identity_links_person_id_organization_id_fkey FOREIGN KEY (person_id, organization_id) REFERENCES public.people(id, organization_id) ON DELETE CASCADE;


--
-- Name: identity_sessions identity_sessions_link_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.identity_sessions
    ADD CONSTRAINT identity_sessions_link_id_fkey FOREIGN KEY (link_id) REFERENCES public.identity_links(id) ON DELETE SET NULL;


--
-- Name: invitations invitations_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: invitations invitations_person_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_person_id_organization_id_fkey FOREIGN KEY (person_id, organization_id) REFERENCES public.people(id, organization_id) ON DELETE CASCADE;


--
-- Name: invitations invitations_used_by_link_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_used_by_link_fkey FOREIGN KEY (used_by_link) REFERENCES public.identity_links(id) ON DELETE SET NULL;


--
-- Name: job_runs job_runs_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.job_runs
    ADD CONSTRAINT job_runs_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: job_runs job_runs_started_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.job_runs
    ADD CONSTRAINT job_runs_started_by_fkey FOREIGN KEY (started_by) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: mentor_status_log mentor_status_log_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mentor_status_log
    ADD CONSTRAINT mentor_status_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: mentor_status_log mentor_status_log_mentor_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mentor_status_log
    ADD CONSTRAINT mentor_status_log_mentor_id_organization_id_fkey FOREIGN KEY (mentor_id, organization_id) REFERENCES public.peer_mentors(id, organization_id) ON DELETE CASCADE;


--
-- Name: mentor_status_log mentor_status_log_pause_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mentor_status_log
    ADD CONSTRAINT mentor_status_log_pause_id_fkey FOREIGN KEY (pause_id) REFERENCES public.pause_records(id) ON DELETE SET NULL;


--
-- Name: notification_preferences notification_preferences_person_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notification_preferences
    ADD CONSTRAINT notification_preferences_person_id_organization_id_fkey FOREIGN KEY (person_id, organization_id) REFERENCES public.people(id, organization_id) ON DELETE CASCADE;


--
-- Name: notifications notifications_digest_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_digest_id_fkey FOREIGN KEY (digest_id) REFERENCES public.notifications(id) ON DELETE SET NULL;


--
-- Name: notifications notifications_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: notifications notifications_pause_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pause_id_fkey FOREIGN KEY (pause_id) REFERENCES public.pause_records(id) ON DELETE SET NULL;


--
-- Name: notifications notifications_recipient_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES public.people(id) ON DELETE CASCADE;


--
-- Name: outbox outbox_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: pause_records pause_records_coordinator_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pause_records
    ADD CONSTRAINT pause_records_coordinator_id_fkey FOREIGN KEY (coordinator_id) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: pause_records pause_records_mentor_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pause_records
    ADD CONSTRAINT pause_records_mentor_id_organization_id_fkey FOREIGN KEY (mentor_id, organization_id) REFERENCES public.peer_mentors(id, organization_id) ON DELETE CASCADE;


--
-- Name: peer_mentors peer_mentors_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.peer_mentors
    ADD CONSTRAINT peer_mentors_id_organization_id_fkey FOREIGN KEY (id, organization_id) REFERENCES public.people(id, organization_id) ON DELETE CASCADE;


--
-- Name: people people_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: reconciliation_discrepancies reconciliation_discrepancies_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_discrepancies
    ADD CONSTRAINT reconciliation_discrepancies_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: reconciliation_discrepancies reconciliation_discrepancies_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_discrepancies
    ADD CONSTRAINT reconciliation_discrepancies_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.job_runs(id) ON DELETE CASCADE;


--
-- Name: return_date_notices return_date_notices_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.return_date_notices
    ADD CONSTRAINT return_date_notices_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: return_date_notices return_date_notices_pause_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.return_date_notices
    ADD CONSTRAINT return_date_notices_pause_id_fkey FOREIGN KEY (pause_id) REFERENCES public.pause_records(id) ON DELETE CASCADE;


--
-- Name: stream_positions stream_positions_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stream_positions
    ADD CONSTRAINT stream_positions_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: stream_state stream_state_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stream_state
    ADD CONSTRAINT stream_state_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;


--
-- Name: web_push_subscriptions web_push_subscriptions_person_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.web_push_subscriptions
    ADD CONSTRAINT web_push_subscriptions_person_id_organization_id_fkey FOREIGN KEY (person_id, organization_id) REFERENCES public.people(id, organization_id) ON DELETE CASCADE;


--
-- Name: assignment_activities; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.assignment_activities ENABLE ROW LEVEL SECURITY;

--
-- Name: assignment_activities assignment_activities_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY assignment_activities_read ON public.assignment_activities FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (assignment_id IN ( SELECT assignments.id
   FROM public.assignments))));


--
-- Name: assignments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.assignments ENABLE ROW LEVEL SECURITY;

--
-- Name: assignments assignments_manage; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY assignments_manage ON public.assignments FOR UPDATE USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (chapter_id = ANY (( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)::uuid[])))));


--
-- Name: assignments assignments_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY assignments_read ON public.assignments FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (chapter_id = ANY (( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)::uuid[])) OR (peer_mentor_id = ( SELECT public.current_person_id() AS current_person_id)))));


--
-- Name: certification_changes; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.certification_changes ENABLE ROW LEVEL SECURITY;

--
-- Name: certification_changes certification_changes_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY certification_changes_read ON public.certification_changes FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ((mentor_id = ( SELECT public.current_person_id() AS current_person_id)) OR ( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (mentor_id = ANY (( SELECT public.auth_coordinated_mentors() AS auth_coordinated_mentors)::uuid[])))));


--
-- Name: certification_warnings; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.certification_warnings ENABLE ROW LEVEL SECURITY;

--
-- Name: change_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.change_events ENABLE ROW LEVEL SECURITY;

--
-- Name: change_events change_events_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY change_events_read ON public.change_events FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ((recipient_id = ( SELECT public.current_person_id() AS current_person_id)) OR ((recipient_id IS NULL) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (mentor_id = ( SELECT public.current_person_id() AS current_person_id)) OR (chapter_ids && ( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)))))));


--
-- Name: chapter_memberships; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.chapter_memberships ENABLE ROW LEVEL SECURITY;

--
-- Name: chapter_memberships chapter_memberships_admin_delete; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY chapter_memberships_admin_delete ON public.chapter_memberships FOR DELETE USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ( SELECT public.auth_is_org_admin() AS auth_is_org_admin)));


--
-- Name: chapter_memberships chapter_memberships_admin_insert; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY chapter_memberships_admin_insert ON public.chapter_memberships FOR INSERT WITH CHECK (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ( SELECT public.auth_is_org_admin() AS auth_is_org_admin)));


--
-- Name: chapter_memberships chapter_memberships_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY chapter_memberships_read ON public.chapter_memberships FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (person_id = ( SELECT public.current_person_id() AS current_person_id)) OR (chapter_id = ANY (( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)::uuid[])) OR ((role = 'coordinator'::text) AND (chapter_id = ANY (( SELECT public.auth_member_chapters() AS auth_member_chapters)::uuid[]))))));


--
-- Name: chapters; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.chapters ENABLE ROW LEVEL SECURITY;

--
-- Name: chapters chapters_admin_insert; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY chapters_admin_insert ON public.chapters FOR INSERT WITH CHECK (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ( SELECT public.auth_is_org_admin() AS auth_is_org_admin)));


--
-- Name: chapters chapters_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY chapters_read ON public.chapters FOR SELECT USING ((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)));


--
-- Name: contacts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.contacts ENABLE ROW LEVEL SECURITY;

--
-- Name: contacts contacts_insert; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contacts_insert ON public.contacts FOR INSERT WITH CHECK (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (chapter_id = ANY (( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)::uuid[])))));


--
-- Name: contacts contacts_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY contacts_read ON public.contacts FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (chapter_id = ANY (( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)::uuid[])) OR (id IN ( SELECT assignments.contact_id
   FROM public.assignments
  WHERE (assignments.peer_mentor_id = ( SELECT public.current_person_id() AS current_person_id)))))));


--
-- Name: devices; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.devices ENABLE ROW LEVEL SECURITY;

--
-- Name: devices devices_own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY devices_own ON public.devices USING ((person_id = ( SELECT public.current_person_id() AS current_person_id))) WITH CHECK (((person_id = ( SELECT public.current_person_id() AS current_person_id)) AND (organization_id = ( SELECT public.auth_org_id() AS auth_org_id))));


--
-- Name: follow_up_notices; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.follow_up_notices ENABLE ROW LEVEL SECURITY;

--
-- Name: identity_links; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.identity_links ENABLE ROW LEVEL SECURITY;

--
-- Name: identity_links identity_links_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY identity_links_read ON public.identity_links FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (person_id = ( SELECT public.current_person_id() AS current_person_id)))));


--
-- Name: invitations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.invitations ENABLE ROW LEVEL SECURITY;

--
-- Name: invitations invitations_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY invitations_read ON public.invitations FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (person_id IN ( SELECT chapter_memberships.person_id
   FROM public.chapter_memberships
  WHERE (chapter_memberships.chapter_id = ANY (( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)::uuid[])))))));


--
-- Name: job_runs; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.job_runs ENABLE ROW LEVEL SECURITY;

--
-- Name: job_runs job_runs_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY job_runs_read ON public.job_runs FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (cardinality(( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)) > 0))));


--
-- Name: mentor_status_log; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mentor_status_log ENABLE ROW LEVEL SECURITY;

--
-- Name: mentor_status_log mentor_status_log_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY mentor_status_log_read ON public.mentor_status_log FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ((mentor_id = ( SELECT public.current_person_id() AS current_person_id)) OR ( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (mentor_id = ANY (( SELECT public.auth_coordinated_mentors() AS auth_coordinated_mentors)::uuid[])))));


--
-- Name: notification_preferences; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.notification_preferences ENABLE ROW LEVEL SECURITY;

--
-- Name: notification_preferences notification_preferences_own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY notification_preferences_own ON public.notification_preferences USING ((person_id = ( SELECT public.current_person_id() AS current_person_id))) WITH CHECK (((person_id = ( SELECT public.current_person_id() AS current_person_id)) AND (organization_id = ( SELECT public.auth_org_id() AS auth_org_id))));


--
-- Name: notifications; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;

--
-- Name: notifications notifications_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY notifications_read ON public.notifications FOR SELECT USING (((recipient_id = ( SELECT public.current_person_id() AS current_person_id)) OR ((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (mentor_id IN ( SELECT chapter_memberships.person_id
   FROM public.chapter_memberships
  WHERE ((chapter_memberships.role = 'peer_mentor'::text) AND (chapter_memberships.chapter_id = ANY (( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)::uuid[])))))))));


--
-- Name: notifications notifications_recipient_update; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY notifications_recipient_update ON public.notifications FOR UPDATE USING ((recipient_id = ( SELECT public.current_person_id() AS current_person_id)));


--
-- Name: organizations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;

--
-- Name: organizations organizations_admin_update; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY organizations_admin_update ON public.organizations FOR UPDATE USING (((id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ( SELECT public.auth_is_org_admin() AS auth_is_org_admin)));


--
-- Name: organizations organizations_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY organizations_read ON public.organizations FOR SELECT USING ((id = ( SELECT public.auth_org_id() AS auth_org_id)));


--
-- Name: outbox; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.outbox ENABLE ROW LEVEL SECURITY;

--
-- Name: pause_records; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.pause_records ENABLE ROW LEVEL SECURITY;

--
-- Name: pause_records pause_records_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY pause_records_read ON public.pause_records FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ((mentor_id = ( SELECT public.current_person_id() AS current_person_id)) OR ( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (mentor_id = ANY (( SELECT public.auth_coordinated_mentors() AS auth_coordinated_mentors)::uuid[])))));


--
-- Name: peer_mentors; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.peer_mentors ENABLE ROW LEVEL SECURITY;

--
-- Name: peer_mentors peer_mentors_admin_insert; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY peer_mentors_admin_insert ON public.peer_mentors FOR INSERT WITH CHECK (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ( SELECT public.auth_is_org_admin() AS auth_is_org_admin)));


--
-- Name: peer_mentors peer_mentors_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY peer_mentors_read ON public.peer_mentors FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ((id = ( SELECT public.current_person_id() AS current_person_id)) OR ( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (id = ANY (( SELECT public.auth_coordinated_mentors() AS auth_coordinated_mentors)::uuid[])))));


--
-- Name: people; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.people ENABLE ROW LEVEL SECURITY;

--
-- Name: people people_admin_insert; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY people_admin_insert ON public.people FOR INSERT WITH CHECK (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ( SELECT public.auth_is_org_admin() AS auth_is_org_admin)));


--
-- Name: people people_admin_update; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY people_admin_update ON public.people FOR UPDATE USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ( SELECT public.auth_is_org_admin() AS auth_is_org_admin)));


--
-- Name: people people_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY people_read ON public.people FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND ((id = ( SELECT public.current_person_id() AS current_person_id)) OR ( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (id = ANY (( SELECT public.auth_visible_people() AS auth_visible_people)::uuid[])))));


--
-- Name: reconciliation_discrepancies; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.reconciliation_discrepancies ENABLE ROW LEVEL SECURITY;

--
-- Name: reconciliation_discrepancies reconciliation_discrepancies_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY reconciliation_discrepancies_read ON public.reconciliation_discrepancies FOR SELECT USING (((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)) AND (( SELECT public.auth_is_org_admin() AS auth_is_org_admin) OR (cardinality(( SELECT public.auth_coordinated_chapters() AS auth_coordinated_chapters)) > 0))));


--
-- Name: return_date_notices; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.return_date_notices ENABLE ROW LEVEL SECURITY;

--
-- Name: stream_positions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.stream_positions ENABLE ROW LEVEL SECURITY;

--
-- Name: stream_positions stream_positions_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY stream_positions_read ON public.stream_positions FOR SELECT USING ((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)));


--
-- Name: stream_state; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.stream_state ENABLE ROW LEVEL SECURITY;

--
-- Name: stream_state stream_state_read; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY stream_state_read ON public.stream_state FOR SELECT USING ((organization_id = ( SELECT public.auth_org_id() AS auth_org_id)));


--
-- Name: web_push_subscriptions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.web_push_subscriptions ENABLE ROW LEVEL SECURITY;

--
-- Name: web_push_subscriptions web_push_subscriptions_own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY web_push_subscriptions_own ON public.web_push_subscriptions USING ((person_id = ( SELECT public.current_person_id() AS current_person_id))) WITH CHECK (((person_id = ( SELECT public.current_person_id() AS current_person_id)) AND (organization_id = ( SELECT public.auth_org_id() AS auth_org_id))));


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO likeperson_app;
GRANT USAGE ON SCHEMA public TO likeperson_worker;


--
-- Name: TABLE people; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.people TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.people TO likeperson_worker;


--
-- Name: COLUMN people.display_name; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(display_name) ON TABLE public.people TO likeperson_app;


--
-- Name: COLUMN people.org_admin; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(org_admin) ON TABLE public.people TO likeperson_app;


--
-- Name: FUNCTION acting_person(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.acting_person() FROM PUBLIC;


--
-- Name: TABLE assignment_activities; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.assignment_activities TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.assignment_activities TO likeperson_worker;


--
-- Name: FUNCTION activity_record(p_assignment uuid, p_occurred_at timestamp with time zone, p_kind text, p_note text, p_now timestamp with time zone, p_duration_minutes integer, p_participants integer, p_mode text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.activity_record(p_assignment uuid, p_occurred_at timestamp with time zone, p_kind text, p_note text, p_now timestamp with time zone, p_duration_minutes integer, p_participants integer, p_mode text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.activity_record(p_assignment uuid, p_occurred_at timestamp with time zone, p_kind text, p_note text, p_now timestamp with time zone, p_duration_minutes integer, p_participants integer, p_mode text) TO likeperson_app;
GRANT ALL ON FUNCTION public.activity_record(p_assignment uuid, p_occurred_at timestamp with time zone, p_kind text, p_note text, p_now timestamp with time zone, p_duration_minutes integer, p_participants integer, p_mode text) TO likeperson_worker;


--
-- Name: FUNCTION assignment_actor_manages(actor public.people, p_org uuid, p_chapter uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignment_actor_manages(actor public.people, p_org uuid, p_chapter uuid) FROM PUBLIC;


--
-- Name: TABLE assignments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.assignments TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.assignments TO likeperson_worker;


--
-- Name: COLUMN assignments.status; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(status) ON TABLE public.assignments TO likeperson_app;


--
-- Name: COLUMN assignments.notes; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(notes) ON TABLE public.assignments TO likeperson_app;


--
-- Name: FUNCTION assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.assignment_create(p_peer_mentor uuid, p_contact uuid, p_status text, p_notes text, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION assignment_create_batch(p_items jsonb, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignment_create_batch(p_items jsonb, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.assignment_create_batch(p_items jsonb, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.assignment_create_batch(p_items jsonb, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION assignment_json(a public.assignments); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignment_json(a public.assignments) FROM PUBLIC;
GRANT ALL ON FUNCTION public.assignment_json(a public.assignments) TO likeperson_app;
GRANT ALL ON FUNCTION public.assignment_json(a public.assignments) TO likeperson_worker;


--
-- Name: FUNCTION assignment_lock_for(actor public.people, p_id uuid, p_mentor_may boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignment_lock_for(actor public.people, p_id uuid, p_mentor_may boolean) FROM PUBLIC;


--
-- Name: FUNCTION assignment_status_rank(s text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignment_status_rank(s text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.assignment_status_rank(s text) TO likeperson_app;
GRANT ALL ON FUNCTION public.assignment_status_rank(s text) TO likeperson_worker;


--
-- Name: FUNCTION assignment_update(p_id uuid, p_status text, p_set_notes boolean, p_notes text, p_expected_version integer, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignment_update(p_id uuid, p_status text, p_set_notes boolean, p_notes text, p_expected_version integer, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.assignment_update(p_id uuid, p_status text, p_set_notes boolean, p_notes text, p_expected_version integer, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.assignment_update(p_id uuid, p_status text, p_set_notes boolean, p_notes text, p_expected_version integer, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION assignments_guard(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignments_guard() FROM PUBLIC;
GRANT ALL ON FUNCTION public.assignments_guard() TO likeperson_app;
GRANT ALL ON FUNCTION public.assignments_guard() TO likeperson_worker;


--
-- Name: FUNCTION assignments_last_contact_not_future(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignments_last_contact_not_future() FROM PUBLIC;


--
-- Name: FUNCTION assignments_publish_update(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.assignments_publish_update() FROM PUBLIC;


--
-- Name: FUNCTION auth_coordinated_chapters(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.auth_coordinated_chapters() FROM PUBLIC;
GRANT ALL ON FUNCTION public.auth_coordinated_chapters() TO likeperson_app;
GRANT ALL ON FUNCTION public.auth_coordinated_chapters() TO likeperson_worker;


--
-- Name: FUNCTION auth_coordinated_mentors(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.auth_coordinated_mentors() FROM PUBLIC;
GRANT ALL ON FUNCTION public.auth_coordinated_mentors() TO likeperson_app;
GRANT ALL ON FUNCTION public.auth_coordinated_mentors() TO likeperson_worker;


--
-- Name: FUNCTION auth_is_org_admin(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.auth_is_org_admin() FROM PUBLIC;
GRANT ALL ON FUNCTION public.auth_is_org_admin() TO likeperson_app;
GRANT ALL ON FUNCTION public.auth_is_org_admin() TO likeperson_worker;


--
-- Name: FUNCTION auth_member_chapters(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.auth_member_chapters() FROM PUBLIC;
GRANT ALL ON FUNCTION public.auth_member_chapters() TO likeperson_app;
GRANT ALL ON FUNCTION public.auth_member_chapters() TO likeperson_worker;


--
-- Name: FUNCTION auth_org_id(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.auth_org_id() FROM PUBLIC;
GRANT ALL ON FUNCTION public.auth_org_id() TO likeperson_app;
GRANT ALL ON FUNCTION public.auth_org_id() TO likeperson_worker;


--
-- Name: FUNCTION auth_visible_people(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.auth_visible_people() FROM PUBLIC;
GRANT ALL ON FUNCTION public.auth_visible_people() TO likeperson_app;
GRANT ALL ON FUNCTION public.auth_visible_people() TO likeperson_worker;


--
-- Name: FUNCTION certification_changes_record(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.certification_changes_record() FROM PUBLIC;


--
-- Name: FUNCTION certification_warning_window(p_days integer[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.certification_warning_window(p_days integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.certification_warning_window(p_days integer[]) TO likeperson_app;
GRANT ALL ON FUNCTION public.certification_warning_window(p_days integer[]) TO likeperson_worker;


--
-- Name: FUNCTION change_events_prune(p_before timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.change_events_prune(p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.change_events_prune(p_before timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION chapter_public_mentors(p_chapter uuid, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.chapter_public_mentors(p_chapter uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.chapter_public_mentors(p_chapter uuid, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.chapter_public_mentors(p_chapter uuid, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION current_person_id(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.current_person_id() FROM PUBLIC;
GRANT ALL ON FUNCTION public.current_person_id() TO likeperson_app;
GRANT ALL ON FUNCTION public.current_person_id() TO likeperson_worker;


--
-- Name: FUNCTION device_register(p_token text, p_platform text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.device_register(p_token text, p_platform text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.device_register(p_token text, p_platform text) TO likeperson_app;


--
-- Name: FUNCTION emit_change(p_org uuid, p_type text, p_chapter_ids uuid[], p_mentor_id uuid, p_recipient_id uuid, p_payload jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.emit_change(p_org uuid, p_type text, p_chapter_ids uuid[], p_mentor_id uuid, p_recipient_id uuid, p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.emit_change(p_org uuid, p_type text, p_chapter_ids uuid[], p_mentor_id uuid, p_recipient_id uuid, p_payload jsonb) TO likeperson_worker;


--
-- Name: FUNCTION engagement_report(p_from date, p_to date, p_chapter uuid, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.engagement_report(p_from date, p_to date, p_chapter uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.engagement_report(p_from date, p_to date, p_chapter uuid, p_now timestamp with time zone) TO likeperson_app;


--
-- Name: FUNCTION enqueue_outbox(p_org uuid, p_kind text, p_payload jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.enqueue_outbox(p_org uuid, p_kind text, p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.enqueue_outbox(p_org uuid, p_kind text, p_payload jsonb) TO likeperson_worker;


--
-- Name: FUNCTION follow_up_overdue(p_status text, p_last_contact timestamp with time zone, p_created_at timestamp with time zone, p_days integer, p_tz text, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.follow_up_overdue(p_status text, p_last_contact timestamp with time zone, p_created_at timestamp with time zone, p_days integer, p_tz text, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.follow_up_overdue(p_status text, p_last_contact timestamp with time zone, p_created_at timestamp with time zone, p_days integer, p_tz text, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.follow_up_overdue(p_status text, p_last_contact timestamp with time zone, p_created_at timestamp with time zone, p_days integer, p_tz text, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: TABLE identity_links; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.identity_links TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.identity_links TO likeperson_worker;


--
-- Name: FUNCTION identity_links_of(p_org uuid, p_person uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.identity_links_of(p_org uuid, p_person uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.identity_links_of(p_org uuid, p_person uuid) TO likeperson_app;
GRANT ALL ON FUNCTION public.identity_links_of(p_org uuid, p_person uuid) TO likeperson_worker;


--
-- Name: FUNCTION identity_manager(p_org uuid, p_person uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.identity_manager(p_org uuid, p_person uuid) FROM PUBLIC;


--
-- Name: FUNCTION identity_person(p_issuer text, p_subject text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.identity_person(p_issuer text, p_subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.identity_person(p_issuer text, p_subject text) TO likeperson_app;
GRANT ALL ON FUNCTION public.identity_person(p_issuer text, p_subject text) TO likeperson_worker;


--
-- Name: FUNCTION identity_sign_in(p_issuer text, p_subject text, p_session uuid, p_expires timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.identity_sign_in(p_issuer text, p_subject text, p_session uuid, p_expires timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.identity_sign_in(p_issuer text, p_subject text, p_session uuid, p_expires timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.identity_sign_in(p_issuer text, p_subject text, p_session uuid, p_expires timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION identity_unlink(p_org uuid, p_person uuid, p_link uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.identity_unlink(p_org uuid, p_person uuid, p_link uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.identity_unlink(p_org uuid, p_person uuid, p_link uuid) TO likeperson_app;
GRANT ALL ON FUNCTION public.identity_unlink(p_org uuid, p_person uuid, p_link uuid) TO likeperson_worker;


--
-- Name: FUNCTION invitation_accept(p_code_hash bytea, p_issuer text, p_subject text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.invitation_accept(p_code_hash bytea, p_issuer text, p_subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.invitation_accept(p_code_hash bytea, p_issuer text, p_subject text) TO likeperson_app;
GRANT ALL ON FUNCTION public.invitation_accept(p_code_hash bytea, p_issuer text, p_subject text) TO likeperson_worker;


--
-- Name: FUNCTION invitation_create(p_org uuid, p_person uuid, p_code_hash bytea, p_days integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.invitation_create(p_org uuid, p_person uuid, p_code_hash bytea, p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.invitation_create(p_org uuid, p_person uuid, p_code_hash bytea, p_days integer) TO likeperson_app;
GRANT ALL ON FUNCTION public.invitation_create(p_org uuid, p_person uuid, p_code_hash bytea, p_days integer) TO likeperson_worker;


--
-- Name: FUNCTION invitation_preview(p_code_hash bytea); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.invitation_preview(p_code_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION public.invitation_preview(p_code_hash bytea) TO likeperson_app;
GRANT ALL ON FUNCTION public.invitation_preview(p_code_hash bytea) TO likeperson_worker;


--
-- Name: FUNCTION is_valid_timezone(tz text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.is_valid_timezone(tz text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.is_valid_timezone(tz text) TO likeperson_app;
GRANT ALL ON FUNCTION public.is_valid_timezone(tz text) TO likeperson_worker;


--
-- Name: FUNCTION job_due_slots(p_now timestamp with time zone, p_nightly_at time without time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.job_due_slots(p_now timestamp with time zone, p_nightly_at time without time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.job_due_slots(p_now timestamp with time zone, p_nightly_at time without time zone) TO likeperson_worker;


--
-- Name: FUNCTION job_latest_slot(p_now timestamp with time zone, p_tz text, p_at time without time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.job_latest_slot(p_now timestamp with time zone, p_tz text, p_at time without time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.job_latest_slot(p_now timestamp with time zone, p_tz text, p_at time without time zone) TO likeperson_worker;


--
-- Name: FUNCTION jobs_certification_warnings(p_org uuid, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.jobs_certification_warnings(p_org uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jobs_certification_warnings(p_org uuid, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION jobs_follow_up_reminders(p_org uuid, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.jobs_follow_up_reminders(p_org uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jobs_follow_up_reminders(p_org uuid, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION jobs_reconcile(p_org uuid, p_run uuid, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.jobs_reconcile(p_org uuid, p_run uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jobs_reconcile(p_org uuid, p_run uuid, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION jobs_return_dates_passed(p_org uuid, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.jobs_return_dates_passed(p_org uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jobs_return_dates_passed(p_org uuid, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: TABLE peer_mentors; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.peer_mentors TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.peer_mentors TO likeperson_worker;


--
-- Name: FUNCTION mentor_acknowledge(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_acknowledge(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_acknowledge(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_acknowledge(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION mentor_actor_relation(actor public.people, p_mentor uuid, p_org uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_actor_relation(actor public.people, p_mentor uuid, p_org uuid) FROM PUBLIC;


--
-- Name: FUNCTION mentor_certification_expire(p_mentor uuid, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_certification_expire(p_mentor uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_certification_expire(p_mentor uuid, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION mentor_certification_set(p_mentor uuid, p_expires_at date, p_expected_version integer, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_certification_set(p_mentor uuid, p_expires_at date, p_expected_version integer, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_certification_set(p_mentor uuid, p_expires_at date, p_expected_version integer, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_certification_set(p_mentor uuid, p_expires_at date, p_expected_version integer, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION mentor_chapter_ids(p_mentor uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_chapter_ids(p_mentor uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_chapter_ids(p_mentor uuid) TO likeperson_worker;


--
-- Name: FUNCTION mentor_clean_text(t text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_clean_text(t text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_clean_text(t text) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_clean_text(t text) TO likeperson_worker;


--
-- Name: FUNCTION mentor_deactivate(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_deactivate(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_deactivate(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_deactivate(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION mentor_hold(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_hold(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_hold(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_hold(p_mentor uuid, p_reason text, p_expected_version integer, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION mentor_pause(p_mentor uuid, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_pause(p_mentor uuid, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_pause(p_mentor uuid, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_pause(p_mentor uuid, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION mentor_reactivate(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_reactivate(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_reactivate(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_reactivate(p_mentor uuid, p_expected_version integer, p_now timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION mentor_set_listing(p_mentor uuid, p_listed boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_set_listing(p_mentor uuid, p_listed boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mentor_set_listing(p_mentor uuid, p_listed boolean) TO likeperson_app;
GRANT ALL ON FUNCTION public.mentor_set_listing(p_mentor uuid, p_listed boolean) TO likeperson_worker;


--
-- Name: FUNCTION mentor_transition(p_mentor uuid, p_transition text, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone, actor public.people); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.mentor_transition(p_mentor uuid, p_transition text, p_reason text, p_expected_return_date date, p_expected_version integer, p_now timestamp with time zone, actor public.people) FROM PUBLIC;


--
-- Name: FUNCTION notification_audiences(p_keys bigint[], p_orgs uuid[], p_mentors uuid[], p_chapters uuid[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notification_audiences(p_keys bigint[], p_orgs uuid[], p_mentors uuid[], p_chapters uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_audiences(p_keys bigint[], p_orgs uuid[], p_mentors uuid[], p_chapters uuid[]) TO likeperson_worker;


--
-- Name: FUNCTION notification_create_many(p_ids uuid[], p_orgs uuid[], p_recipients uuid[], p_types text[], p_channels text[], p_statuses text[], p_titles text[], p_bodies text[], p_data jsonb[], p_mentors uuid[], p_pauses uuid[], p_assignments uuid[], p_outboxes bigint[], p_keys text[], p_errors text[], p_at timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notification_create_many(p_ids uuid[], p_orgs uuid[], p_recipients uuid[], p_types text[], p_channels text[], p_statuses text[], p_titles text[], p_bodies text[], p_data jsonb[], p_mentors uuid[], p_pauses uuid[], p_assignments uuid[], p_outboxes bigint[], p_keys text[], p_errors text[], p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_create_many(p_ids uuid[], p_orgs uuid[], p_recipients uuid[], p_types text[], p_channels text[], p_statuses text[], p_titles text[], p_bodies text[], p_data jsonb[], p_mentors uuid[], p_pauses uuid[], p_assignments uuid[], p_outboxes bigint[], p_keys text[], p_errors text[], p_at timestamp with time zone) TO likeperson_worker;


--
-- Name: TABLE notifications; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.notifications TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.notifications TO likeperson_worker;


--
-- Name: COLUMN notifications.status; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(status) ON TABLE public.notifications TO likeperson_app;


--
-- Name: COLUMN notifications.delivered_at; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(delivered_at) ON TABLE public.notifications TO likeperson_app;


--
-- Name: COLUMN notifications.opened_at; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(opened_at) ON TABLE public.notifications TO likeperson_app;


--
-- Name: COLUMN notifications.acknowledged_at; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(acknowledged_at) ON TABLE public.notifications TO likeperson_app;


--
-- Name: FUNCTION notification_json(n public.notifications); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notification_json(n public.notifications) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_json(n public.notifications) TO likeperson_app;
GRANT ALL ON FUNCTION public.notification_json(n public.notifications) TO likeperson_worker;


--
-- Name: FUNCTION notification_publish(p_ids uuid[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notification_publish(p_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_publish(p_ids uuid[]) TO likeperson_worker;


--
-- Name: FUNCTION notification_published(n public.notifications); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notification_published(n public.notifications) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_published(n public.notifications) TO likeperson_app;
GRANT ALL ON FUNCTION public.notification_published(n public.notifications) TO likeperson_worker;


--
-- Name: FUNCTION notification_recipient_name(p_person uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notification_recipient_name(p_person uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_recipient_name(p_person uuid) TO likeperson_app;


--
-- Name: FUNCTION notification_status_rank(s text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notification_status_rank(s text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.notification_status_rank(s text) TO likeperson_app;
GRANT ALL ON FUNCTION public.notification_status_rank(s text) TO likeperson_worker;


--
-- Name: FUNCTION notifications_guard(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.notifications_guard() FROM PUBLIC;
GRANT ALL ON FUNCTION public.notifications_guard() TO likeperson_app;
GRANT ALL ON FUNCTION public.notifications_guard() TO likeperson_worker;


--
-- Name: FUNCTION person_language_set(p_language text, p_only_if_unset boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.person_language_set(p_language text, p_only_if_unset boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.person_language_set(p_language text, p_only_if_unset boolean) TO likeperson_app;


--
-- Name: FUNCTION quiet_hours_end(p_person uuid, p_at timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.quiet_hours_end(p_person uuid, p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.quiet_hours_end(p_person uuid, p_at timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION quiet_hours_get(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.quiet_hours_get() FROM PUBLIC;
GRANT ALL ON FUNCTION public.quiet_hours_get() TO likeperson_app;


--
-- Name: FUNCTION quiet_hours_set(p_enabled boolean, p_start text, p_end text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.quiet_hours_set(p_enabled boolean, p_start text, p_end text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.quiet_hours_set(p_enabled boolean, p_start text, p_end text) TO likeperson_app;


--
-- Name: FUNCTION report_whole_days(p_since timestamp with time zone, p_until timestamp with time zone, p_lo timestamp with time zone, p_hi timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.report_whole_days(p_since timestamp with time zone, p_until timestamp with time zone, p_lo timestamp with time zone, p_hi timestamp with time zone) TO likeperson_app;


--
-- Name: FUNCTION rfc3339(t timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.rfc3339(t timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.rfc3339(t timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.rfc3339(t timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION set_updated_at(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.set_updated_at() FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_updated_at() TO likeperson_app;
GRANT ALL ON FUNCTION public.set_updated_at() TO likeperson_worker;


--
-- Name: FUNCTION stream_advance(p_org uuid, p_count integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.stream_advance(p_org uuid, p_count integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.stream_advance(p_org uuid, p_count integer) TO likeperson_worker;


--
-- Name: FUNCTION stream_scope_changed(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.stream_scope_changed() FROM PUBLIC;


--
-- Name: FUNCTION web_push_subscribe(p_endpoint text, p_p256dh text, p_auth text, p_device_name text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.web_push_subscribe(p_endpoint text, p_p256dh text, p_auth text, p_device_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.web_push_subscribe(p_endpoint text, p_p256dh text, p_auth text, p_device_name text) TO likeperson_app;
GRANT ALL ON FUNCTION public.web_push_subscribe(p_endpoint text, p_p256dh text, p_auth text, p_device_name text) TO likeperson_worker;


--
-- Name: FUNCTION web_session_end(p_session uuid, p_expires timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.web_session_end(p_session uuid, p_expires timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.web_session_end(p_session uuid, p_expires timestamp with time zone) TO likeperson_app;
GRANT ALL ON FUNCTION public.web_session_end(p_session uuid, p_expires timestamp with time zone) TO likeperson_worker;


--
-- Name: FUNCTION web_session_ended(p_session uuid); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.web_session_ended(p_session uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.web_session_ended(p_session uuid) TO likeperson_app;
GRANT ALL ON FUNCTION public.web_session_ended(p_session uuid) TO likeperson_worker;


--
-- Name: TABLE certification_changes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.certification_changes TO likeperson_app;
GRANT SELECT,INSERT,DELETE ON TABLE public.certification_changes TO likeperson_worker;


--
-- Name: TABLE certification_warnings; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE ON TABLE public.certification_warnings TO likeperson_worker;


--
-- Name: TABLE change_events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.change_events TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.change_events TO likeperson_worker;


--
-- Name: TABLE chapter_memberships; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE ON TABLE public.chapter_memberships TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.chapter_memberships TO likeperson_worker;


--
-- Name: TABLE chapters; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.chapters TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.chapters TO likeperson_worker;


--
-- Name: TABLE contacts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.contacts TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.contacts TO likeperson_worker;


--
-- Name: TABLE data_protection_keys; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE ON TABLE public.data_protection_keys TO likeperson_worker;


--
-- Name: TABLE devices; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.devices TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.devices TO likeperson_worker;


--
-- Name: TABLE follow_up_notices; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.follow_up_notices TO likeperson_worker;


--
-- Name: TABLE identity_sessions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.identity_sessions TO likeperson_worker;


--
-- Name: TABLE invitations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.invitations TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.invitations TO likeperson_worker;


--
-- Name: TABLE job_runs; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.job_runs TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.job_runs TO likeperson_worker;


--
-- Name: TABLE mentor_status_log; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.mentor_status_log TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mentor_status_log TO likeperson_worker;


--
-- Name: SEQUENCE mentor_status_log_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.mentor_status_log_id_seq TO likeperson_worker;


--
-- Name: TABLE notification_preferences; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.notification_preferences TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.notification_preferences TO likeperson_worker;


--
-- Name: TABLE organizations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.organizations TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.organizations TO likeperson_worker;


--
-- Name: COLUMN organizations.require_reactivation_ack; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(require_reactivation_ack) ON TABLE public.organizations TO likeperson_app;


--
-- Name: COLUMN organizations.reminder_threshold_days; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(reminder_threshold_days) ON TABLE public.organizations TO likeperson_app;


--
-- Name: COLUMN organizations.escalation_threshold_days; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(escalation_threshold_days) ON TABLE public.organizations TO likeperson_app;


--
-- Name: COLUMN organizations.honorarium_thresholds; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(honorarium_thresholds) ON TABLE public.organizations TO likeperson_app;


--
-- Name: COLUMN organizations.digest_hour; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(digest_hour) ON TABLE public.organizations TO likeperson_app;


--
-- Name: COLUMN organizations.timezone; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(timezone) ON TABLE public.organizations TO likeperson_app;


--
-- Name: COLUMN organizations.push_includes_reason; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(push_includes_reason) ON TABLE public.organizations TO likeperson_app;


--
-- Name: COLUMN organizations.certification_warning_days; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(certification_warning_days) ON TABLE public.organizations TO likeperson_app;


--
-- Name: TABLE outbox; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.outbox TO likeperson_worker;


--
-- Name: SEQUENCE outbox_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.outbox_id_seq TO likeperson_worker;


--
-- Name: TABLE pause_records; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.pause_records TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.pause_records TO likeperson_worker;


--
-- Name: TABLE reconciliation_discrepancies; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.reconciliation_discrepancies TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.reconciliation_discrepancies TO likeperson_worker;


--
-- Name: SEQUENCE reconciliation_discrepancies_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.reconciliation_discrepancies_id_seq TO likeperson_worker;


--
-- Name: TABLE return_date_notices; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE ON TABLE public.return_date_notices TO likeperson_worker;


--
-- Name: TABLE schema_migrations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.schema_migrations TO likeperson_app;
GRANT SELECT ON TABLE public.schema_migrations TO likeperson_worker;


--
-- Name: TABLE stream_positions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.stream_positions TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.stream_positions TO likeperson_worker;


--
-- Name: TABLE stream_state; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.stream_state TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.stream_state TO likeperson_worker;


--
-- Name: TABLE web_push_keys; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.web_push_keys TO likeperson_worker;


--
-- Name: TABLE web_push_subscriptions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,DELETE ON TABLE public.web_push_subscriptions TO likeperson_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.web_push_subscriptions TO likeperson_worker;


--
-- Name: TABLE web_session_ends; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.web_session_ends TO likeperson_worker;


--
-- PostgreSQL database dump complete
--
