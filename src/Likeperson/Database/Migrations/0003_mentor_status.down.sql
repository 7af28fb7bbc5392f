DROP INDEX IF EXISTS pause_records_live_roster;
DROP FUNCTION IF EXISTS mentor_certification_set(uuid, date, int, timestamptz), mentor_certification_expire(uuid, timestamptz),
  mentor_deactivate(uuid, text, int, timestamptz), mentor_hold(uuid, text, int, timestamptz), mentor_acknowledge(uuid, int, timestamptz),
  mentor_reactivate(uuid, int, timestamptz), mentor_pause(uuid, text, date, int, timestamptz),
  mentor_transition(uuid, text, text, date, int, timestamptz, people), mentor_actor_relation(people, uuid, uuid), mentor_actor(),
  mentor_clean_text(text), mentor_rfc3339(timestamptz);
