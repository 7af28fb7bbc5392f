-- The chapter website feed (issue 18.7). A mentor opts in to being named on their chapter's website
-- (peer_mentors.listed_publicly, default false; set only by the mentor, mentor_set_listing). The feed itself is one
-- function, chapter_public_mentors, so the rule "active, certified, opted in" lives in one place: the mentor is listed
-- while their status is active, their certification has a date that has not passed in the organisation's time zone
-- (today is still valid), and they opted in. It is read at request time, so a pause or an expiry removes the mentor at
-- once. It runs without a person (the website is anonymous): SECURITY DEFINER, granted to the application role, and it
-- returns display names only.

ALTER TABLE peer_mentors ADD COLUMN listed_publicly boolean NOT NULL DEFAULT false;

-- The mentor themself: 200 with the new value. Their coordinators and admins may see the mentor but not choose for them
-- (403); anyone else, and an unknown id, 404 as the other mentor functions answer.
CREATE FUNCTION mentor_set_listing(p_mentor uuid, p_listed boolean) RETURNS peer_mentors
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

-- The feed of one chapter: {"items": [{"display_name": ...}]} by name; an unknown chapter is 404.
CREATE FUNCTION chapter_public_mentors(p_chapter uuid, p_now timestamptz) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

REVOKE EXECUTE ON FUNCTION mentor_set_listing(uuid, boolean), chapter_public_mentors(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mentor_set_listing(uuid, boolean), chapter_public_mentors(uuid, timestamptz) TO likeperson_app, likeperson_worker;
