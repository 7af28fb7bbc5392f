-- Peer-mentor status: every status change is one SQL function (SECURITY DEFINER). In ONE
-- transaction each locks the peer_mentors row, checks who is asking, the expected version and the
-- current status, writes status + version + 1, opens or closes the pause record, appends the
-- mentor_status_log row, queues the outbox row (mentor_status_changed, for the notification
-- dispatcher) and, as the LAST step, emits the mentor.status_changed change event.
--
--            pause                      reactivate (coordinator, admin, or mentor without ack)
--   active ─────────▶ paused ──────────────────────────────────────────────▶ active
--     ▲ ▲  cert expiry  ▲ │ reactivate (mentor, org requires acknowledgement)
--     │ └───────────────┼─┼──────────────┐
--     │           hold  │ ▼              │ cert expiry
--     └──acknowledge── pending_reactivation
--   active | paused | pending_reactivation ──deactivate──▶ inactive (final)
--
-- Who is acting comes from current_person_id() (app.person_id, set per transaction by the
-- server); with no person set the caller must be the worker or owner and acts as the system.

CREATE FUNCTION mentor_rfc3339(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- Trimmed (any whitespace); blank means none.
CREATE FUNCTION mentor_clean_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT nullif(regexp_replace(t, '^\s+|\s+$', '', 'g'), '') $$;

-- Who is acting: the person set for this transaction, or NULL for the system (worker/owner only).
CREATE FUNCTION mentor_actor() RETURNS people
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

-- How the actor stands to the mentor: 'system' (no person), 'self', 'admin', 'coordinator' (of
-- one of the mentor's chapters), or NULL when the mentor is outside their scope (→ 404).
CREATE FUNCTION mentor_actor_relation(actor people, p_mentor uuid, p_org uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT CASE
    WHEN actor.id IS NULL THEN 'system'
    WHEN actor.organization_id <> p_org THEN NULL
    WHEN actor.id = p_mentor THEN 'self'
    WHEN actor.org_admin THEN 'admin'
    WHEN EXISTS (SELECT 1 FROM chapter_memberships mm JOIN chapter_memberships cm ON cm.chapter_id = mm.chapter_id
                 WHERE mm.person_id = p_mentor AND mm.role = 'peer_mentor' AND cm.person_id = actor.id AND cm.role = 'coordinator')
      THEN 'coordinator'
  END $$;

-- The transition core. p_transition is one of pause, reactivate, acknowledge, hold, deactivate,
-- certification_expiry. Refusals: 404 not_found (outside scope), 403 forbidden (role),
-- 422 validation_failed (reason, expected_return_date), 412 version_mismatch (p_expected_version),
-- 409 invalid_transition (status), 422 certification_expired (reactivate / acknowledge).
CREATE FUNCTION mentor_transition(p_mentor uuid, p_transition text, p_reason text, p_expected_return_date date,
                                  p_expected_version int, p_now timestamptz, actor people)
RETURNS peer_mentors
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- ---------------------------------------------------------------- the transitions of API.md
CREATE FUNCTION mentor_pause(p_mentor uuid, p_reason text, p_expected_return_date date, p_expected_version int, p_now timestamptz)
RETURNS peer_mentors
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mentor_transition(p_mentor, 'pause', p_reason, p_expected_return_date, p_expected_version, p_now, mentor_actor()) $$;

CREATE FUNCTION mentor_reactivate(p_mentor uuid, p_expected_version int, p_now timestamptz)
RETURNS peer_mentors
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mentor_transition(p_mentor, 'reactivate', NULL, NULL, p_expected_version, p_now, mentor_actor()) $$;

CREATE FUNCTION mentor_acknowledge(p_mentor uuid, p_expected_version int, p_now timestamptz)
RETURNS peer_mentors
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mentor_transition(p_mentor, 'acknowledge', NULL, NULL, p_expected_version, p_now, mentor_actor()) $$;

CREATE FUNCTION mentor_hold(p_mentor uuid, p_reason text, p_expected_version int, p_now timestamptz)
RETURNS peer_mentors
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mentor_transition(p_mentor, 'hold', p_reason, NULL, p_expected_version, p_now, mentor_actor()) $$;

CREATE FUNCTION mentor_deactivate(p_mentor uuid, p_reason text, p_expected_version int, p_now timestamptz)
RETURNS peer_mentors
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT mentor_transition(p_mentor, 'deactivate', p_reason, NULL, p_expected_version, p_now, mentor_actor()) $$;

-- For the certification-expiry job (worker only): pauses the mentor through the same core when
-- they are active or pending_reactivation and the certification expired before today in the
-- organisation's time zone; otherwise (renewed meanwhile, already paused, inactive) false and no change.
CREATE FUNCTION mentor_certification_expire(p_mentor uuid, p_now timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- Renewing (or correcting) the certification: their coordinator or an org admin. No status
-- change, no status log row, no stream event; the version grows like on every change of the mentor.
CREATE FUNCTION mentor_certification_set(p_mentor uuid, p_expires_at date, p_expected_version int, p_now timestamptz)
RETURNS peer_mentors
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- ---------------------------------------------------------------- indexes for the roster
-- The paused roster of an organisation, newest pause first: live pause records by organisation.
CREATE INDEX pause_records_live_roster ON pause_records (organization_id, paused_at DESC, mentor_id)
  WHERE status IN ('paused', 'expired_cert');

-- ---------------------------------------------------------------- privileges
REVOKE EXECUTE ON FUNCTION mentor_rfc3339(timestamptz), mentor_clean_text(text), mentor_actor(),
  mentor_actor_relation(people, uuid, uuid), mentor_transition(uuid, text, text, date, int, timestamptz, people),
  mentor_pause(uuid, text, date, int, timestamptz), mentor_reactivate(uuid, int, timestamptz), mentor_acknowledge(uuid, int, timestamptz),
  mentor_hold(uuid, text, int, timestamptz), mentor_deactivate(uuid, text, int, timestamptz),
  mentor_certification_expire(uuid, timestamptz), mentor_certification_set(uuid, date, int, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mentor_rfc3339(timestamptz), mentor_clean_text(text),
  mentor_pause(uuid, text, date, int, timestamptz), mentor_reactivate(uuid, int, timestamptz), mentor_acknowledge(uuid, int, timestamptz),
  mentor_hold(uuid, text, int, timestamptz), mentor_deactivate(uuid, text, int, timestamptz),
  mentor_certification_set(uuid, date, int, timestamptz) TO likeperson_app, likeperson_worker;
GRANT EXECUTE ON FUNCTION mentor_certification_expire(uuid, timestamptz) TO likeperson_worker;
