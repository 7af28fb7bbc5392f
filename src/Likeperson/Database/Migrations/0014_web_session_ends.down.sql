DROP FUNCTION IF EXISTS web_session_ended(uuid), web_session_end(uuid, timestamptz);
DROP TABLE IF EXISTS web_session_ends;
