-- Back to the SQL-language helpers.
CREATE OR REPLACE FUNCTION public.mentor_chapter_ids(p_mentor uuid) RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT coalesce(array_agg(chapter_id ORDER BY chapter_id), '{}') FROM chapter_memberships
  WHERE person_id = p_mentor AND role = 'peer_mentor' $$;

CREATE OR REPLACE FUNCTION public.mentor_actor_relation(actor public.people, p_mentor uuid, p_org uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
  SELECT CASE
    WHEN actor.id IS NULL THEN 'system'
    WHEN actor.organization_id <> p_org THEN NULL
    WHEN actor.id = p_mentor THEN 'self'
    WHEN actor.org_admin THEN 'admin'
    WHEN EXISTS (SELECT 1 FROM chapter_memberships mm JOIN chapter_memberships cm ON cm.chapter_id = mm.chapter_id
                 WHERE mm.person_id = p_mentor AND mm.role = 'peer_mentor' AND cm.person_id = actor.id AND cm.role = 'coordinator')
      THEN 'coordinator'
  END $$;
