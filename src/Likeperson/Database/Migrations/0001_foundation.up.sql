-- Foundation: the whole data model of Likeperson, its constraints and row-level security.
-- The database is the final enforcement point: CHECKs, composite foreign keys that keep every
-- reference inside one organisation, triggers for immutability and updated_at, and RLS policies
-- keyed to the identity the server sets per transaction (set_config('app.person_id', ..., true)).

-- ---------------------------------------------------------------- identity of the caller
CREATE FUNCTION current_person_id() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.person_id', true), '')::uuid $$;

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;

CREATE FUNCTION is_valid_timezone(tz text) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = tz) $$;

-- ---------------------------------------------------------------- organisations and people
CREATE TABLE organizations (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                      text NOT NULL CONSTRAINT organizations_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
  require_reactivation_ack  boolean NOT NULL DEFAULT false,
  reminder_threshold_days   int NOT NULL DEFAULT 10 CONSTRAINT organizations_reminder_threshold_days_positive CHECK (reminder_threshold_days BETWEEN 1 AND 365),
  escalation_threshold_days int NOT NULL DEFAULT 20 CONSTRAINT organizations_escalation_threshold_days_range CHECK (escalation_threshold_days BETWEEN 1 AND 365),
  honorarium_thresholds     int[] NOT NULL DEFAULT '{}' CONSTRAINT organizations_honorarium_thresholds_positive CHECK (0 < ALL (honorarium_thresholds) AND array_position(honorarium_thresholds, NULL) IS NULL),
  digest_hour               smallint NOT NULL DEFAULT 8 CONSTRAINT organizations_digest_hour_range CHECK (digest_hour BETWEEN 0 AND 23),
  timezone                  text NOT NULL DEFAULT 'Europe/Oslo' CONSTRAINT organizations_timezone_known CHECK (is_valid_timezone(timezone)),
  push_includes_reason      boolean NOT NULL DEFAULT false,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organizations_escalation_after_reminder CHECK (escalation_threshold_days >= reminder_threshold_days)
);

CREATE TABLE chapters (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  name            text NOT NULL CONSTRAINT chapters_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT chapters_name_unique UNIQUE (organization_id, name),
  UNIQUE (id, organization_id)
);

CREATE TABLE people (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  display_name    text NOT NULL CONSTRAINT people_display_name_length CHECK (char_length(btrim(display_name)) BETWEEN 1 AND 200),
  org_admin       boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, organization_id)
);
CREATE INDEX people_organization_admins ON people (organization_id) WHERE org_admin;

CREATE TABLE chapter_memberships (
  person_id       uuid NOT NULL,
  chapter_id      uuid NOT NULL,
  organization_id uuid NOT NULL,
  role            text NOT NULL CONSTRAINT chapter_memberships_role_valid CHECK (role IN ('peer_mentor', 'coordinator')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, chapter_id, role),
  FOREIGN KEY (person_id, organization_id) REFERENCES people (id, organization_id) ON DELETE CASCADE,
  FOREIGN KEY (chapter_id, organization_id) REFERENCES chapters (id, organization_id) ON DELETE CASCADE
);
CREATE INDEX chapter_memberships_chapter_role ON chapter_memberships (chapter_id, role, person_id);

CREATE TABLE contacts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  chapter_id      uuid NOT NULL,
  display_name    text NOT NULL CONSTRAINT contacts_display_name_length CHECK (char_length(btrim(display_name)) BETWEEN 1 AND 200),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (chapter_id, organization_id) REFERENCES chapters (id, organization_id) ON DELETE CASCADE,
  UNIQUE (id, organization_id)
);
CREATE INDEX contacts_chapter ON contacts (chapter_id);

-- ---------------------------------------------------------------- peer-mentor status and pauses
CREATE TABLE peer_mentors (
  id                       uuid PRIMARY KEY,
  organization_id          uuid NOT NULL,
  status                   text NOT NULL DEFAULT 'active'
                           CONSTRAINT peer_mentors_status_valid CHECK (status IN ('active', 'paused', 'pending_reactivation', 'inactive')),
  version                  int NOT NULL DEFAULT 1 CONSTRAINT peer_mentors_version_positive CHECK (version > 0),
  certification_expires_at date,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (id, organization_id) REFERENCES people (id, organization_id) ON DELETE CASCADE,
  UNIQUE (id, organization_id)
);
CREATE INDEX peer_mentors_org_status ON peer_mentors (organization_id, status);
CREATE INDEX peer_mentors_certification_due ON peer_mentors (certification_expires_at)
  WHERE status IN ('active', 'pending_reactivation');

CREATE TABLE pause_records (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mentor_id            uuid NOT NULL,
  organization_id      uuid NOT NULL,
  status               text NOT NULL CONSTRAINT pause_records_status_valid CHECK (status IN ('active', 'paused', 'expired_cert')),
  kind                 text NOT NULL CONSTRAINT pause_records_kind_valid CHECK (kind IN ('voluntary', 'coordinator', 'certification_expired')),
  pause_reason         text CONSTRAINT pause_records_reason_length CHECK (char_length(pause_reason) <= 200),
  expected_return_date date,
  paused_at            timestamptz NOT NULL DEFAULT now(),
  reactivated_at       timestamptz,
  ended_at             timestamptz,
  coordinator_id       uuid REFERENCES people ON DELETE SET NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (mentor_id, organization_id) REFERENCES peer_mentors (id, organization_id) ON DELETE CASCADE,
  -- expired_cert is exactly the live state of a certification pause
  CONSTRAINT pause_records_expired_cert_kind CHECK ((status = 'expired_cert') = (kind = 'certification_expired' AND status <> 'active')),
  -- a live period has no end; a finished one has
  CONSTRAINT pause_records_ended_iff_active CHECK ((status = 'active') = (ended_at IS NOT NULL)),
  CONSTRAINT pause_records_reactivated_only_when_ended CHECK (reactivated_at IS NULL OR status = 'active'),
  CONSTRAINT pause_records_end_after_start CHECK (ended_at IS NULL OR ended_at >= paused_at)
);
-- One live pause per mentor; any number of finished ones (history is kept for audits and Bufdir).
CREATE UNIQUE INDEX pause_records_one_live_per_mentor ON pause_records (mentor_id) WHERE status IN ('paused', 'expired_cert');
CREATE INDEX pause_records_mentor_history ON pause_records (mentor_id, paused_at);

-- Every status change, as it happened: replaying new_status in id order gives the current status.
CREATE TABLE mentor_status_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL,
  mentor_id       uuid NOT NULL,
  transition      text NOT NULL CONSTRAINT mentor_status_log_transition_valid
                  CHECK (transition IN ('pause', 'reactivate', 'acknowledge', 'hold', 'deactivate', 'certification_expiry')),
  previous_status text NOT NULL CHECK (previous_status IN ('active', 'paused', 'pending_reactivation', 'inactive')),
  new_status      text NOT NULL CHECK (new_status IN ('active', 'paused', 'pending_reactivation', 'inactive')),
  version         int NOT NULL,
  kind            text CHECK (kind IN ('voluntary', 'coordinator', 'certification_expired')),
  reason          text CHECK (char_length(reason) <= 200),
  actor_id        uuid REFERENCES people ON DELETE SET NULL,
  pause_id        uuid REFERENCES pause_records ON DELETE SET NULL,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (mentor_id, organization_id) REFERENCES peer_mentors (id, organization_id) ON DELETE CASCADE
);
CREATE INDEX mentor_status_log_mentor ON mentor_status_log (mentor_id, id);

-- ---------------------------------------------------------------- assignments and activities
CREATE TABLE assignments (
  id                             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  peer_mentor_id                 uuid NOT NULL,
  contact_id                     uuid NOT NULL,
  organization_id                uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  chapter_id                     uuid NOT NULL, -- the contact's chapter: scopes coordinators' access
  status                         text NOT NULL DEFAULT 'open'
                                 CONSTRAINT assignments_status_valid CHECK (status IN ('open', 'pending', 'completed')),
  last_contact_date              timestamptz,
  mentor_assignment_sequence     int NOT NULL CONSTRAINT assignments_sequence_positive CHECK (mentor_assignment_sequence > 0),
  created_at                     timestamptz NOT NULL DEFAULT now(),
  closed_at                      timestamptz,
  created_by                     uuid REFERENCES people ON DELETE SET NULL,
  closed_by                      uuid REFERENCES people ON DELETE SET NULL,
  notes                          text CONSTRAINT assignments_notes_length CHECK (char_length(notes) <= 2000),
  honorarium_threshold_triggered jsonb,
  version                        int NOT NULL DEFAULT 1 CHECK (version > 0),
  updated_at                     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (peer_mentor_id, organization_id) REFERENCES peer_mentors (id, organization_id),
  FOREIGN KEY (contact_id, organization_id) REFERENCES contacts (id, organization_id),
  FOREIGN KEY (chapter_id, organization_id) REFERENCES chapters (id, organization_id),
  CONSTRAINT assignments_closed_at_requires_completed CHECK (closed_at IS NULL OR status = 'completed'),
  CONSTRAINT assignments_completed_has_closed_at CHECK (status <> 'completed' OR closed_at IS NOT NULL),
  UNIQUE (id, organization_id)
);
CREATE INDEX idx_assignment_peer_mentor_id ON assignments (peer_mentor_id);
CREATE INDEX idx_assignment_contact_id ON assignments (contact_id);
CREATE INDEX idx_assignment_organization_id ON assignments (organization_id);
CREATE INDEX idx_assignment_org_status ON assignments (organization_id, status);
CREATE INDEX idx_assignment_peer_mentor_status ON assignments (peer_mentor_id, status);
CREATE INDEX idx_assignment_status_last_contact ON assignments (status, last_contact_date);
-- Unique: two assignments of one mentor can never share a sequence number.
CREATE UNIQUE INDEX idx_assignment_peer_mentor_org_sequence ON assignments (peer_mentor_id, organization_id, mentor_assignment_sequence);
CREATE INDEX assignments_chapter_board ON assignments (chapter_id, status, created_at DESC, id);

CREATE TABLE assignment_activities (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assignment_id   uuid NOT NULL,
  organization_id uuid NOT NULL,
  occurred_at     timestamptz NOT NULL,
  kind            text NOT NULL DEFAULT 'contact' CONSTRAINT assignment_activities_kind_length CHECK (char_length(kind) BETWEEN 1 AND 50),
  note            text CONSTRAINT assignment_activities_note_length CHECK (char_length(note) <= 2000),
  recorded_by     uuid REFERENCES people ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (assignment_id, organization_id) REFERENCES assignments (id, organization_id) ON DELETE CASCADE,
  CONSTRAINT assignment_activities_not_in_future CHECK (occurred_at <= created_at + interval '1 minute')
);
CREATE INDEX assignment_activities_assignment ON assignment_activities (assignment_id, occurred_at);

-- Immutable facts of an assignment, closing fields set once, status forward only.
CREATE FUNCTION assignments_guard() RETURNS trigger
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
CREATE TRIGGER assignments_guard BEFORE UPDATE ON assignments FOR EACH ROW EXECUTE FUNCTION assignments_guard();

-- ---------------------------------------------------------------- change stream and outbox
-- Per-organisation stream positions. The counter row is locked by the writer until commit, so
-- positions become visible in commit order: a reader that saw N never later finds a smaller one.
CREATE TABLE stream_positions (
  organization_id uuid PRIMARY KEY REFERENCES organizations ON DELETE CASCADE,
  last_position   bigint NOT NULL DEFAULT 0
);

CREATE TABLE change_events (
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  position        bigint NOT NULL,
  event_type      text NOT NULL CONSTRAINT change_events_type_valid
                  CHECK (event_type IN ('assignment.created', 'assignment.updated', 'mentor.status_changed', 'notification.created')),
  chapter_ids     uuid[] NOT NULL DEFAULT '{}', -- chapters whose coordinators may see it
  mentor_id       uuid,                          -- the mentor it concerns (who may see it too)
  recipient_id    uuid,                          -- for notifications: the only person who sees it
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, position)
);
CREATE INDEX change_events_created ON change_events (created_at);

-- Durable record of each transition, consumed by the notification dispatcher.
CREATE TABLE outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  kind            text NOT NULL CONSTRAINT outbox_kind_valid
                  CHECK (kind IN ('mentor_status_changed', 'honorarium_threshold_reached', 'follow_up_reminder', 'follow_up_escalation')),
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  available_at    timestamptz NOT NULL DEFAULT now(),
  attempts        int NOT NULL DEFAULT 0,
  processed_at    timestamptz,
  last_error      text
);
CREATE INDEX outbox_pending ON outbox (available_at, id) WHERE processed_at IS NULL;

-- ---------------------------------------------------------------- notifications
CREATE TABLE notifications (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  recipient_id    uuid REFERENCES people ON DELETE CASCADE, -- NULL: nobody could be told (undeliverable)
  type            text NOT NULL CONSTRAINT notifications_type_valid CHECK (type IN (
                    'mentor_paused', 'mentor_reactivated', 'mentor_deactivated', 'certification_expiry_auto_pause',
                    'reactivation_pending_ack', 'pause_confirmation', 'reactivation_confirmation', 'pause_digest',
                    'honorarium_threshold_reached', 'follow_up_reminder', 'follow_up_escalation')),
  channel         text NOT NULL CONSTRAINT notifications_channel_valid CHECK (channel IN ('push', 'in_app')),
  status          text NOT NULL DEFAULT 'pending' CONSTRAINT notifications_status_valid
                  CHECK (status IN ('pending', 'held', 'sent', 'delivered', 'opened', 'acknowledged', 'failed', 'undeliverable')),
  title           text NOT NULL,
  body            text NOT NULL,
  data            jsonb NOT NULL DEFAULT '{}',
  mentor_id       uuid,
  pause_id        uuid REFERENCES pause_records ON DELETE SET NULL,
  assignment_id   uuid,
  outbox_id       bigint,
  idempotency_key text NOT NULL CONSTRAINT notifications_idempotency_key_unique UNIQUE,
  digest_id       uuid REFERENCES notifications ON DELETE SET NULL, -- a held item: the digest that carried it
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  delivered_at    timestamptz,
  opened_at       timestamptz,
  acknowledged_at timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notifications_recipient_or_undeliverable CHECK (recipient_id IS NOT NULL OR status = 'undeliverable')
);
CREATE INDEX notifications_inbox ON notifications (recipient_id, created_at DESC, id) WHERE channel = 'in_app';
CREATE INDEX notifications_pause ON notifications (pause_id);
CREATE INDEX notifications_push_due ON notifications (next_attempt_at) WHERE channel = 'push' AND status = 'pending';
CREATE INDEX notifications_held ON notifications (recipient_id) WHERE status = 'held';
CREATE INDEX notifications_undeliverable ON notifications (organization_id) WHERE status = 'undeliverable';

-- Notifications move forward only; failed and undeliverable are terminal.
CREATE FUNCTION notification_status_rank(s text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE s WHEN 'held' THEN 0 WHEN 'pending' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3
                WHEN 'opened' THEN 4 WHEN 'acknowledged' THEN 5 ELSE 99 END $$;

CREATE FUNCTION notifications_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
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
CREATE TRIGGER notifications_guard BEFORE UPDATE ON notifications FOR EACH ROW EXECUTE FUNCTION notifications_guard();

CREATE TABLE notification_preferences (
  person_id       uuid NOT NULL,
  organization_id uuid NOT NULL,
  type            text NOT NULL CONSTRAINT notification_preferences_type_valid
                  CHECK (type IN ('mentor_paused', 'mentor_reactivated', 'certification_expiry_auto_pause', 'reactivation_pending_ack')),
  enabled         boolean NOT NULL DEFAULT true,
  channels        text NOT NULL DEFAULT 'both' CONSTRAINT notification_preferences_channels_valid CHECK (channels IN ('push', 'in_app', 'both')),
  mode            text NOT NULL DEFAULT 'immediate' CONSTRAINT notification_preferences_mode_valid CHECK (mode IN ('immediate', 'digest')),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, type),
  FOREIGN KEY (person_id, organization_id) REFERENCES people (id, organization_id) ON DELETE CASCADE,
  -- Compliance: the certification auto-pause always goes out at once.
  CONSTRAINT notification_preferences_critical CHECK (type <> 'certification_expiry_auto_pause' OR (enabled AND mode = 'immediate'))
);

CREATE TABLE devices (
  token           text PRIMARY KEY CONSTRAINT devices_token_length CHECK (char_length(token) BETWEEN 1 AND 4096),
  person_id       uuid NOT NULL,
  organization_id uuid NOT NULL,
  platform        text NOT NULL CONSTRAINT devices_platform_valid CHECK (platform IN ('android', 'ios', 'web')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (person_id, organization_id) REFERENCES people (id, organization_id) ON DELETE CASCADE
);
CREATE INDEX devices_person ON devices (person_id);

-- ---------------------------------------------------------------- jobs
CREATE TABLE job_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job             text NOT NULL CONSTRAINT job_runs_job_valid
                  CHECK (job IN ('certification-expiry', 'follow-up-reminders', 'pause-digest', 'reconciliation', 'retention')),
  organization_id uuid REFERENCES organizations ON DELETE CASCADE,
  slot            timestamptz, -- the scheduled slot this run claims; NULL for a manual run
  trigger         text NOT NULL CHECK (trigger IN ('scheduled', 'catch_up', 'manual')),
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  started_by      uuid REFERENCES people ON DELETE SET NULL,
  stats           jsonb NOT NULL DEFAULT '{}',
  error           text,
  CONSTRAINT job_runs_finished_when_done CHECK ((status = 'running') = (finished_at IS NULL))
);
-- Exactly one run per scheduled slot, however many instances race for it.
CREATE UNIQUE INDEX job_runs_one_per_slot ON job_runs (job, organization_id, slot) WHERE slot IS NOT NULL;
CREATE INDEX job_runs_recent ON job_runs (organization_id, job, started_at DESC);

CREATE TABLE reconciliation_discrepancies (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id          uuid NOT NULL REFERENCES job_runs ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations ON DELETE CASCADE,
  mentor_id       uuid,
  kind            text NOT NULL,
  detail          text NOT NULL,
  found_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliation_discrepancies_org ON reconciliation_discrepancies (organization_id, id DESC);

-- One follow-up notice per assignment, level and crossing (basis = the last contact it measured from).
CREATE TABLE follow_up_notices (
  assignment_id   uuid NOT NULL,
  organization_id uuid NOT NULL,
  level           text NOT NULL CHECK (level IN ('reminder', 'escalation')),
  basis           timestamptz NOT NULL,
  sent_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (assignment_id, level, basis),
  FOREIGN KEY (assignment_id, organization_id) REFERENCES assignments (id, organization_id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------- updated_at everywhere
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'chapters', 'people', 'contacts', 'peer_mentors', 'pause_records',
                           'notification_preferences'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION set_updated_at()', t || '_updated_at', t);
  END LOOP;
END $$;

-- ---------------------------------------------------------------- row-level security
-- Who the caller is, read with the owner's rights so that policies do not recurse. Policies wrap
-- them in (SELECT ...) so each is evaluated once per statement, not once per row.
CREATE FUNCTION auth_org_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT organization_id FROM people WHERE id = current_person_id() $$;

CREATE FUNCTION auth_is_org_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce((SELECT org_admin FROM people WHERE id = current_person_id()), false) $$;

CREATE FUNCTION auth_coordinated_chapters() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(chapter_id), '{}') FROM chapter_memberships
  WHERE person_id = current_person_id() AND role = 'coordinator' $$;

CREATE FUNCTION auth_member_chapters() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(DISTINCT chapter_id), '{}') FROM chapter_memberships WHERE person_id = current_person_id() $$;

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
CREATE POLICY organizations_read ON organizations FOR SELECT USING (id = (SELECT auth_org_id()));
CREATE POLICY organizations_admin_update ON organizations FOR UPDATE
  USING (id = (SELECT auth_org_id()) AND (SELECT auth_is_org_admin()));

ALTER TABLE chapters ENABLE ROW LEVEL SECURITY;
CREATE POLICY chapters_read ON chapters FOR SELECT USING (organization_id = (SELECT auth_org_id()));
CREATE POLICY chapters_admin_insert ON chapters FOR INSERT
  WITH CHECK (organization_id = (SELECT auth_org_id()) AND (SELECT auth_is_org_admin()));

-- Memberships: your own; all of a chapter you coordinate; who coordinates your chapters.
ALTER TABLE chapter_memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY chapter_memberships_read ON chapter_memberships FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND (
    (SELECT auth_is_org_admin()) OR person_id = (SELECT current_person_id())
    OR chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[])
    OR (role = 'coordinator' AND chapter_id = ANY ((SELECT auth_member_chapters())::uuid[]))));
CREATE POLICY chapter_memberships_admin_insert ON chapter_memberships FOR INSERT
  WITH CHECK (organization_id = (SELECT auth_org_id()) AND (SELECT auth_is_org_admin()));
CREATE POLICY chapter_memberships_admin_delete ON chapter_memberships FOR DELETE
  USING (organization_id = (SELECT auth_org_id()) AND (SELECT auth_is_org_admin()));

-- People: yourself, and whoever you may see a membership of.
ALTER TABLE people ENABLE ROW LEVEL SECURITY;
CREATE POLICY people_read ON people FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND (
    id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR id IN (SELECT person_id FROM chapter_memberships)));
CREATE POLICY people_admin_insert ON people FOR INSERT
  WITH CHECK (organization_id = (SELECT auth_org_id()) AND (SELECT auth_is_org_admin()));
CREATE POLICY people_admin_update ON people FOR UPDATE
  USING (organization_id = (SELECT auth_org_id()) AND (SELECT auth_is_org_admin()));

-- Peer mentors: yourself; the mentors of chapters you coordinate; the whole organisation as admin.
ALTER TABLE peer_mentors ENABLE ROW LEVEL SECURITY;
CREATE POLICY peer_mentors_read ON peer_mentors FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND (
    id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR id IN (SELECT person_id FROM chapter_memberships
              WHERE role = 'peer_mentor' AND chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[]))));
CREATE POLICY peer_mentors_admin_insert ON peer_mentors FOR INSERT
  WITH CHECK (organization_id = (SELECT auth_org_id()) AND (SELECT auth_is_org_admin()));

-- A mentor's history is visible exactly where the mentor is.
ALTER TABLE pause_records ENABLE ROW LEVEL SECURITY;
CREATE POLICY pause_records_read ON pause_records FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND mentor_id IN (SELECT id FROM peer_mentors));
ALTER TABLE mentor_status_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY mentor_status_log_read ON mentor_status_log FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND mentor_id IN (SELECT id FROM peer_mentors));

-- Contacts: of chapters you coordinate; those you are assigned to; all as admin.
ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY contacts_read ON contacts FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND (
    (SELECT auth_is_org_admin()) OR chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[])
    OR id IN (SELECT contact_id FROM assignments WHERE peer_mentor_id = (SELECT current_person_id()))));
CREATE POLICY contacts_insert ON contacts FOR INSERT WITH CHECK (
  organization_id = (SELECT auth_org_id()) AND (
    (SELECT auth_is_org_admin()) OR chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[])));

ALTER TABLE assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY assignments_read ON assignments FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND (
    (SELECT auth_is_org_admin()) OR chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[])
    OR peer_mentor_id = (SELECT current_person_id())));
CREATE POLICY assignments_manage ON assignments FOR UPDATE USING (
  organization_id = (SELECT auth_org_id()) AND (
    (SELECT auth_is_org_admin()) OR chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[])));

ALTER TABLE assignment_activities ENABLE ROW LEVEL SECURITY;
CREATE POLICY assignment_activities_read ON assignment_activities FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND assignment_id IN (SELECT id FROM assignments));

ALTER TABLE stream_positions ENABLE ROW LEVEL SECURITY;
CREATE POLICY stream_positions_read ON stream_positions FOR SELECT USING (organization_id = (SELECT auth_org_id()));

ALTER TABLE change_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY change_events_read ON change_events FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND (
    recipient_id = (SELECT current_person_id())
    OR (recipient_id IS NULL AND (
      (SELECT auth_is_org_admin()) OR mentor_id = (SELECT current_person_id())
      OR chapter_ids && (SELECT auth_coordinated_chapters())))));

ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;           -- workers only: no policy, no grant
ALTER TABLE follow_up_notices ENABLE ROW LEVEL SECURITY; -- workers only

-- Notifications: your own; as coordinator or admin, those about mentors you may see (the pause log).
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY notifications_read ON notifications FOR SELECT USING (
  recipient_id = (SELECT current_person_id())
  OR (organization_id = (SELECT auth_org_id()) AND (
      (SELECT auth_is_org_admin())
      OR mentor_id IN (SELECT person_id FROM chapter_memberships
                       WHERE role = 'peer_mentor' AND chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[])))));
CREATE POLICY notifications_recipient_update ON notifications FOR UPDATE USING (recipient_id = (SELECT current_person_id()));

ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
CREATE POLICY notification_preferences_own ON notification_preferences FOR ALL
  USING (person_id = (SELECT current_person_id()))
  WITH CHECK (person_id = (SELECT current_person_id()) AND organization_id = (SELECT auth_org_id()));

ALTER TABLE devices ENABLE ROW LEVEL SECURITY;
CREATE POLICY devices_own ON devices FOR ALL
  USING (person_id = (SELECT current_person_id()))
  WITH CHECK (person_id = (SELECT current_person_id()) AND organization_id = (SELECT auth_org_id()));

-- Job runs and discrepancies: coordinators and admins of the organisation.
ALTER TABLE job_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY job_runs_read ON job_runs FOR SELECT USING (
  organization_id = (SELECT auth_org_id())
  AND ((SELECT auth_is_org_admin()) OR cardinality((SELECT auth_coordinated_chapters())) > 0));
ALTER TABLE reconciliation_discrepancies ENABLE ROW LEVEL SECURITY;
CREATE POLICY reconciliation_discrepancies_read ON reconciliation_discrepancies FOR SELECT USING (
  organization_id = (SELECT auth_org_id())
  AND ((SELECT auth_is_org_admin()) OR cardinality((SELECT auth_coordinated_chapters())) > 0));

-- ---------------------------------------------------------------- privileges
-- The application role reads through the policies above and changes state through the
-- transition functions (SECURITY DEFINER, added by later migrations); it may not UPDATE a
-- mentor's status or a pause record directly.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO likeperson_app, likeperson_worker;
GRANT SELECT ON organizations, chapters, chapter_memberships, people, peer_mentors, pause_records, mentor_status_log,
                contacts, assignments, assignment_activities, stream_positions, change_events, notifications,
                notification_preferences, devices, job_runs, reconciliation_discrepancies TO likeperson_app;
GRANT UPDATE (require_reactivation_ack, reminder_threshold_days, escalation_threshold_days, honorarium_thresholds,
              digest_hour, timezone, push_includes_reason) ON organizations TO likeperson_app;
GRANT INSERT ON chapters, people, peer_mentors, contacts TO likeperson_app;
GRANT INSERT, DELETE ON chapter_memberships TO likeperson_app;
GRANT UPDATE (display_name, org_admin) ON people TO likeperson_app;
GRANT UPDATE (status, notes) ON assignments TO likeperson_app;
GRANT UPDATE (status, delivered_at, opened_at, acknowledged_at) ON notifications TO likeperson_app;
GRANT INSERT, UPDATE, DELETE ON notification_preferences, devices TO likeperson_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO likeperson_app, likeperson_worker;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO likeperson_worker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO likeperson_worker;
REVOKE ALL ON public.schema_migrations FROM likeperson_worker;
GRANT SELECT ON public.schema_migrations TO likeperson_app, likeperson_worker;
