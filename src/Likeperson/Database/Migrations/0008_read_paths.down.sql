DROP INDEX assignments_chapter_newest;

ALTER POLICY people_read ON people USING (
  organization_id = (SELECT auth_org_id()) AND (
    id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR id IN (SELECT person_id FROM chapter_memberships)));
ALTER POLICY peer_mentors_read ON peer_mentors USING (
  organization_id = (SELECT auth_org_id()) AND (
    id = (SELECT current_person_id()) OR (SELECT auth_is_org_admin())
    OR id IN (SELECT person_id FROM chapter_memberships
              WHERE role = 'peer_mentor' AND chapter_id = ANY ((SELECT auth_coordinated_chapters())::uuid[]))));
ALTER POLICY pause_records_read ON pause_records USING (
  organization_id = (SELECT auth_org_id()) AND mentor_id IN (SELECT id FROM peer_mentors));
ALTER POLICY mentor_status_log_read ON mentor_status_log USING (
  organization_id = (SELECT auth_org_id()) AND mentor_id IN (SELECT id FROM peer_mentors));

DROP FUNCTION auth_visible_people(), auth_coordinated_mentors();

CREATE OR REPLACE FUNCTION auth_org_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT organization_id FROM people WHERE id = current_person_id() $$;

CREATE OR REPLACE FUNCTION auth_is_org_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce((SELECT org_admin FROM people WHERE id = current_person_id()), false) $$;

CREATE OR REPLACE FUNCTION auth_coordinated_chapters() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(chapter_id), '{}') FROM chapter_memberships
  WHERE person_id = current_person_id() AND role = 'coordinator' $$;

CREATE OR REPLACE FUNCTION auth_member_chapters() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(DISTINCT chapter_id), '{}') FROM chapter_memberships WHERE person_id = current_person_id() $$;
