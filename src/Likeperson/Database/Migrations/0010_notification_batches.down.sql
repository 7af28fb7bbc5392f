DROP INDEX notifications_push_queue;
CREATE INDEX notifications_push_due ON notifications (next_attempt_at) WHERE channel = 'push' AND status = 'pending';
DROP FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[]);

-- notification_publish as 0006 created it.
CREATE OR REPLACE FUNCTION notification_publish(p_ids uuid[]) RETURNS int
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  n notifications;
  published int := 0;
BEGIN
  FOR n IN
    SELECT x.* FROM unnest(p_ids) WITH ORDINALITY AS i(id, ord) JOIN notifications x ON x.id = i.id
    WHERE x.channel = 'in_app' AND x.status <> 'held' AND x.recipient_id IS NOT NULL
    ORDER BY i.ord
  LOOP
    PERFORM emit_change(n.organization_id, 'notification.created', '{}', NULL, n.recipient_id, notification_json(n));
    published := published + 1;
  END LOOP;
  RETURN published;
END $$;

-- notification_audience as 0006 created it.
CREATE OR REPLACE FUNCTION notification_audience(p_org uuid, p_mentor uuid, p_chapter uuid)
RETURNS TABLE (person_id uuid, via text)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  WITH coordinators AS (
    SELECT DISTINCT m.person_id FROM chapter_memberships m
    WHERE m.organization_id = p_org AND m.role = 'coordinator' AND m.person_id IS DISTINCT FROM p_mentor
      AND m.chapter_id = ANY (CASE WHEN p_chapter IS NULL THEN mentor_chapter_ids(p_mentor) ELSE ARRAY[p_chapter] END))
  SELECT person_id, 'coordinator' FROM coordinators
  UNION ALL
  SELECT p.id, 'org_admin' FROM people p
  WHERE p.organization_id = p_org AND p.org_admin AND p.id IS DISTINCT FROM p_mentor
    AND NOT EXISTS (SELECT 1 FROM coordinators) $$;
DROP FUNCTION notification_audiences(bigint[], uuid[], uuid[], uuid[]);
