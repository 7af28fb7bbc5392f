-- Two helpers of every mentor transition become plpgsql, so that PostgreSQL keeps their plans (issue 17's nightly run).
-- A SQL function with a SET clause is never inlined and is planned afresh at every call: mentor_chapter_ids cost
-- 76 us a call, 13% of a certification-expiry transition (pg_stat_user_functions over 1,000 expiries on the bench's
-- data); as plpgsql, 21 us. Same queries, same results.
CREATE OR REPLACE FUNCTION public.mentor_chapter_ids(p_mentor uuid) RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(chapter_id ORDER BY chapter_id), '{}') FROM chapter_memberships
          WHERE person_id = p_mentor AND role = 'peer_mentor');
END $$;
CREATE OR REPLACE FUNCTION public.mentor_actor_relation(actor public.people, p_mentor uuid, p_org uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  RETURN CASE
    WHEN actor.id IS NULL THEN 'system'
    WHEN actor.organization_id <> p_org THEN NULL
    WHEN actor.id = p_mentor THEN 'self'
    WHEN actor.org_admin THEN 'admin'
    WHEN EXISTS (SELECT 1 FROM chapter_memberships mm JOIN chapter_memberships cm ON cm.chapter_id = mm.chapter_id
                 WHERE mm.person_id = p_mentor AND mm.role = 'peer_mentor' AND cm.person_id = actor.id AND cm.role = 'coordinator')
      THEN 'coordinator'
  END;
END $$;
