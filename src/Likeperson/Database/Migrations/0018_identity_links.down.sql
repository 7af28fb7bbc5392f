CREATE OR REPLACE FUNCTION web_session_ended(p_session uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM web_session_ends WHERE session_id = p_session);
$$;
DROP FUNCTION IF EXISTS identity_unlink(uuid, uuid, uuid), identity_links_of(uuid, uuid), invitation_accept(bytea, text, text),
  invitation_preview(bytea), invitation_create(uuid, uuid, bytea, int), identity_manager(uuid, uuid),
  identity_sign_in(text, text, uuid, timestamptz), identity_person(text, text);
DROP TABLE IF EXISTS identity_sessions, invitations, identity_links;
