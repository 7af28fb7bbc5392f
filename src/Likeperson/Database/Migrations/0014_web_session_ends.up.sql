-- Signing out of the web UI ends that session everywhere, not only in the browser that signed out: the session's id
-- (the cookie's `sid`) is recorded here until the session would have expired anyway. Every page checks it
-- (web_session_ended, in the page's frame), and so does the event stream's periodic access check, so a signed-out
-- session's open streams end within Events:AccessCheckInterval on every instance, and a copied cookie opens nothing.
CREATE TABLE web_session_ends (
  session_id uuid PRIMARY KEY,
  ended_at   timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
REVOKE ALL ON web_session_ends FROM PUBLIC;
GRANT SELECT ON web_session_ends TO likeperson_worker;

-- Called by /signout as the signed-in person (the application role cannot write the table itself); forgets the ends of
-- sessions that have expired meanwhile, so the table stays as small as the number of live signed-out sessions.
CREATE FUNCTION web_session_end(p_session uuid, p_expires timestamptz) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM web_session_ends WHERE expires_at < now();
  INSERT INTO web_session_ends (session_id, expires_at)
  SELECT p_session, p_expires WHERE current_person_id() IS NOT NULL
  ON CONFLICT (session_id) DO NOTHING;
$$;

CREATE FUNCTION web_session_ended(p_session uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM web_session_ends WHERE session_id = p_session);
$$;

REVOKE EXECUTE ON FUNCTION web_session_end(uuid, timestamptz), web_session_ended(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION web_session_end(uuid, timestamptz), web_session_ended(uuid) TO likeperson_app, likeperson_worker;
