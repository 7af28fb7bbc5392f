DROP FUNCTION change_events_prune(timestamptz);
DROP TRIGGER people_stream_scope ON people;
DROP TRIGGER chapter_memberships_stream_scope ON chapter_memberships;
DROP FUNCTION stream_scope_changed();
DROP TABLE stream_state;
