-- Sign-in through an OpenID Connect provider. A person is linked to a provider identity (issuer, subject) by a one-time
-- invitation; every provider token and every provider sign-in is mapped to a person through these links, never through
-- claims. Codes are stored only as their SHA-256 hash. Unlinking an identity ends what it opened: its web sessions and
-- the event streams of its bearer tokens are recorded in identity_sessions, and web_session_ended (which every page's
-- frame and the stream's periodic access check ask) reports them ended once their link is gone.
CREATE TABLE identity_links (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  person_id       uuid NOT NULL,
  issuer          text NOT NULL CONSTRAINT identity_links_issuer_length CHECK (char_length(issuer) BETWEEN 1 AND 2000),
  subject         text NOT NULL CONSTRAINT identity_links_subject_length CHECK (char_length(subject) BETWEEN 1 AND 255),
  linked_at       timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz,
  CONSTRAINT identity_links_identity_unique UNIQUE (issuer, subject),
  FOREIGN KEY (person_id, organization_id) REFERENCES people (id, organization_id) ON DELETE CASCADE
);
CREATE INDEX identity_links_person ON identity_links (person_id);

CREATE TABLE invitations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  person_id       uuid NOT NULL,
  code_hash       bytea NOT NULL CONSTRAINT invitations_code_hash_unique UNIQUE
                  CONSTRAINT invitations_code_hash_sha256 CHECK (octet_length(code_hash) = 32),
  created_by      uuid REFERENCES people ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  used_by_link    uuid REFERENCES identity_links ON DELETE SET NULL,
  CONSTRAINT invitations_expires_after_creation CHECK (expires_at > created_at),
  FOREIGN KEY (person_id, organization_id) REFERENCES people (id, organization_id) ON DELETE CASCADE
);
CREATE INDEX invitations_person ON invitations (person_id);

-- What an identity opened: its web sessions (session_id = the cookie's sid; link_id becomes NULL when the link is
-- removed: ended) and, once it is unlinked, its bearer tokens (session_id = the link's own id, the sid of their principal).
CREATE TABLE identity_sessions (
  session_id uuid PRIMARY KEY,
  link_id    uuid REFERENCES identity_links ON DELETE SET NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX identity_sessions_link ON identity_sessions (link_id);

ALTER TABLE identity_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY identity_links_read ON identity_links FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND ((SELECT auth_is_org_admin()) OR person_id = (SELECT current_person_id())));
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY invitations_read ON invitations FOR SELECT USING (
  organization_id = (SELECT auth_org_id()) AND ((SELECT auth_is_org_admin())
    OR person_id IN (SELECT person_id FROM chapter_memberships WHERE chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[]))));
REVOKE ALL ON identity_links, invitations, identity_sessions FROM PUBLIC;
GRANT SELECT ON identity_links, invitations TO likeperson_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON identity_links, invitations, identity_sessions TO likeperson_worker;

-- The person a provider identity is linked to (no row: linked to nobody). Asked by the bearer handler before any person
-- is known, hence SECURITY DEFINER.
CREATE FUNCTION identity_person(p_issuer text, p_subject text) RETURNS TABLE (person_id uuid, link_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT l.person_id, l.id FROM identity_links l WHERE l.issuer = p_issuer AND l.subject = p_subject;
$$;

-- A web sign-in at the provider: the linked person (NULL when linked to nobody), its last_sign_in_at and the session it
-- starts recorded (so unlinking ends it). Forgets sessions that have expired meanwhile.
CREATE FUNCTION identity_sign_in(p_issuer text, p_subject text, p_session uuid, p_expires timestamptz) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- Who may manage a person's sign-in: an org admin of the person's organisation ('admin'), a coordinator of one of the
-- person's chapters ('coordinator'). 404 for no such person, outside the caller's organisation, or outside the chapters
-- a coordinator coordinates (their scope); 403 for someone whose role allows none of it (a peer mentor).
CREATE FUNCTION identity_manager(p_org uuid, p_person uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- A new invitation for the person (org admin; coordinator of one of their chapters), valid p_days days. The caller made
-- the code; only its hash comes here.
CREATE FUNCTION invitation_create(p_org uuid, p_person uuid, p_code_hash bytea, p_days int)
RETURNS TABLE (id uuid, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM identity_manager(p_org, p_person);
  IF p_days IS NULL OR p_days NOT BETWEEN 1 AND 365 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', DETAIL = 'An invitation is valid 1 to 365 days.';
  END IF;
  RETURN QUERY INSERT INTO invitations AS i (organization_id, person_id, code_hash, created_by, expires_at)
    VALUES (p_org, p_person, p_code_hash, current_person_id(), now() + make_interval(days => p_days))
    RETURNING i.id, i.expires_at;
END $$;

-- What an invitation page may say about a code before anyone signs in: 'open' (with the organisation's and the person's
-- names), 'used', 'expired' or 'unknown' (no names).
CREATE FUNCTION invitation_preview(p_code_hash bytea) RETURNS TABLE (state text, organization_name text, person_name text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- Uses an invitation for the identity that just signed in at the provider: 'linked' (with the person and the link),
-- or, changing nothing, 'unknown', 'used', 'expired', 'linked_elsewhere' (the identity is another person's). The row
-- lock makes concurrent uses of one code link exactly one identity. An identity already linked to this same person
-- uses the code up without a second link.
CREATE FUNCTION invitation_accept(p_code_hash bytea, p_issuer text, p_subject text)
RETURNS TABLE (state text, person_id uuid, link_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- The identities linked to a person (org admin).
CREATE FUNCTION identity_links_of(p_org uuid, p_person uuid) RETURNS SETOF identity_links
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF identity_manager(p_org, p_person) <> 'admin' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden', DETAIL = 'Only an org admin sees linked identities.';
  END IF;
  RETURN QUERY SELECT * FROM identity_links l WHERE l.person_id = p_person ORDER BY l.linked_at, l.id;
END $$;

-- Unlinks an identity (org admin): its tokens are refused from the next request on, and what it opened (web sessions,
-- event streams) ends: identity_sessions keeps the ended sessions until they would have expired anyway (a token's
-- stream at most a day).
CREATE FUNCTION identity_unlink(p_org uuid, p_person uuid, p_link uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- A session has ended when it was signed out, or when the identity that opened it was unlinked.
CREATE OR REPLACE FUNCTION web_session_ended(p_session uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM web_session_ends WHERE session_id = p_session)
      OR EXISTS (SELECT 1 FROM identity_sessions WHERE session_id = p_session AND link_id IS NULL);
$$;

REVOKE EXECUTE ON FUNCTION identity_person(text, text), identity_sign_in(text, text, uuid, timestamptz), identity_manager(uuid, uuid),
  invitation_create(uuid, uuid, bytea, int), invitation_preview(bytea), invitation_accept(bytea, text, text),
  identity_links_of(uuid, uuid), identity_unlink(uuid, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION identity_person(text, text), identity_sign_in(text, text, uuid, timestamptz),
  invitation_create(uuid, uuid, bytea, int), invitation_preview(bytea), invitation_accept(bytea, text, text),
  identity_links_of(uuid, uuid), identity_unlink(uuid, uuid, uuid) TO likeperson_app, likeperson_worker;
