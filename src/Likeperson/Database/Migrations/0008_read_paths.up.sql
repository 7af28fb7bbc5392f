-- Faster read paths for status, roster and board, with row-level security exactly as strict as before.
--
-- 1. The RLS helpers become PL/pgSQL. As SECURITY DEFINER SQL functions they could not be inlined and were parsed and
--    planned afresh in every statement that used them (a policy uses several, each an InitPlan); PL/pgSQL keeps its
--    plans for the life of the (pooled) connection. Same queries, same results.
-- 2. Policies that asked "is this mentor (person) one I may see?" with `IN (SELECT ... FROM chapter_memberships)` under
--    that table's own policy made the planner hash the whole organisation's memberships (10,000 rows at the bench's
--    size) on every statement, even to read one mentor. They now compare with the caller's set, computed once per
--    statement by a SECURITY DEFINER function from the caller's own chapters (a few index lookups). Equivalence:
--    every membership's chapter and person are in the membership's organisation (composite foreign keys), so the
--    memberships of chapters the caller coordinates or belongs to are exactly those the old subquery saw through
--    chapter_memberships_read; a pause record or status log row has the organisation of its mentor (composite key),
--    so "mentor visible in peer_mentors" is the peer_mentors_read condition applied to mentor_id.
-- 3. The board of a coordinator: newest first per chapter (assignments_chapter_newest), so a page reads its chapter's
--    rows in order instead of walking the organisation's index and discarding other chapters' rows.

CREATE OR REPLACE FUNCTION auth_org_id() RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN (SELECT organization_id FROM people WHERE id = current_person_id());
END $$;

CREATE OR REPLACE FUNCTION auth_is_org_admin() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN coalesce((SELECT org_admin FROM people WHERE id = current_person_id()), false);
END $$;

CREATE OR REPLACE FUNCTION auth_coordinated_chapters() RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(chapter_id), '{}') FROM chapter_memberships
          WHERE person_id = current_person_id() AND role = 'coordinator');
END $$;

CREATE OR REPLACE FUNCTION auth_member_chapters() RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(DISTINCT chapter_id), '{}') FROM chapter_memberships WHERE person_id = current_person_id());
END $$;

-- The peer mentors of the chapters the caller coordinates (what peer_mentors_read's subquery selected).
CREATE FUNCTION auth_coordinated_mentors() RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(DISTINCT m.person_id), '{}') FROM chapter_memberships m
          WHERE m.role = 'peer_mentor'
            AND m.chapter_id IN (SELECT c.chapter_id FROM chapter_memberships c
                                 WHERE c.person_id = current_person_id() AND c.role = 'coordinator'));
END $$;

-- The people whose memberships chapter_memberships_read shows a caller who is not an org admin: themself, everyone in
-- the chapters they coordinate, the coordinators of the chapters they belong to (what people_read's subquery selected).
CREATE FUNCTION auth_visible_people() RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me uuid := current_person_id();
BEGIN
  RETURN (SELECT coalesce(array_agg(DISTINCT m.person_id), '{}') FROM chapter_memberships m
          JOIN chapter_memberships mine ON mine.chapter_id = m.chapter_id AND mine.person_id = me
          WHERE mine.role = 'coordinator' OR m.role = 'coordinator' OR m.person_id = me);
END $$;

ALTER POLICY people_read ON people USING (
  organization_id = (SELECT auth_org_id()) AND (
    id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR id = ANY ((SELECT auth_visible_people())::uuid[])));

ALTER POLICY peer_mentors_read ON peer_mentors USING (
  organization_id = (SELECT auth_org_id()) AND (
    id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR id = ANY ((SELECT auth_coordinated_mentors())::uuid[])));

ALTER POLICY pause_records_read ON pause_records USING (
  organization_id = (SELECT auth_org_id()) AND (
    mentor_id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR mentor_id = ANY ((SELECT auth_coordinated_mentors())::uuid[])));

ALTER POLICY mentor_status_log_read ON mentor_status_log USING (
  organization_id = (SELECT auth_org_id()) AND (
    mentor_id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR mentor_id = ANY ((SELECT auth_coordinated_mentors())::uuid[])));

CREATE INDEX assignments_chapter_newest ON assignments (chapter_id, created_at DESC, id);

REVOKE EXECUTE ON FUNCTION auth_coordinated_mentors(), auth_visible_people() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_coordinated_mentors(), auth_visible_people() TO likeperson_app, likeperson_worker;
