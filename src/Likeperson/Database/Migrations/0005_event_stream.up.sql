-- The event stream's bookkeeping beside change_events (0001) and emit_change (0002):
--  * stream_state.scope_epoch grows whenever who-sees-what may have changed in an organisation
--    (a chapter membership or org-admin flag). Open streams decide scope per event; the fan-out
--    re-reads its subscribers' memberships only when this number moves, never per event.
--  * stream_state.pruned_through is the retention horizon: every event at or below it is gone,
--    every event above it is still there, so a resume from an older position gets `reset`.

CREATE TABLE stream_state (
  organization_id uuid PRIMARY KEY REFERENCES organizations ON DELETE CASCADE,
  scope_epoch     bigint NOT NULL DEFAULT 0,
  pruned_through  bigint NOT NULL DEFAULT 0 CONSTRAINT stream_state_pruned_through_nonnegative CHECK (pruned_through >= 0)
);

ALTER TABLE stream_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY stream_state_read ON stream_state FOR SELECT USING (organization_id = (SELECT auth_org_id()));
GRANT SELECT ON stream_state TO likeperson_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON stream_state TO likeperson_worker;

-- Bumps the epoch and wakes the listeners (the payload is the organisation, as for events).
-- An organisation being deleted (its people cascading away) has nothing left to stream.
CREATE FUNCTION stream_scope_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  org uuid;
BEGIN
  IF TG_TABLE_NAME = 'people' AND TG_OP = 'UPDATE' THEN
    IF OLD.org_admin = NEW.org_admin THEN RETURN NULL; END IF; -- a nested IF: plpgsql does not short-circuit field access
  END IF;
  org := CASE WHEN TG_OP = 'DELETE' THEN OLD.organization_id ELSE NEW.organization_id END;
  INSERT INTO stream_state AS s (organization_id, scope_epoch)
  SELECT org, 1 WHERE EXISTS (SELECT 1 FROM organizations WHERE id = org)
  ON CONFLICT (organization_id) DO UPDATE SET scope_epoch = s.scope_epoch + 1;
  PERFORM pg_notify('likeperson_changes', org::text);
  RETURN NULL;
END $$;

CREATE TRIGGER chapter_memberships_stream_scope AFTER INSERT OR UPDATE OR DELETE ON chapter_memberships
  FOR EACH ROW EXECUTE FUNCTION stream_scope_changed();
CREATE TRIGGER people_stream_scope AFTER UPDATE OF org_admin OR DELETE ON people
  FOR EACH ROW EXECUTE FUNCTION stream_scope_changed();

-- Retention: deletes events created before p_before and moves each organisation's horizon.
-- Positions follow commit order, not created_at (a long transaction may take a later position
-- with an earlier time), so per organisation the cut is the last position before the first
-- event that must stay: the retained events are always exactly those above the horizon.
CREATE FUNCTION change_events_prune(p_before timestamptz) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH old AS (
    SELECT DISTINCT organization_id FROM change_events WHERE created_at < p_before
  ), cuts AS (
    SELECT o.organization_id,
           coalesce((SELECT min(e.position) - 1 FROM change_events e
                     WHERE e.organization_id = o.organization_id AND e.created_at >= p_before),
                    (SELECT max(e.position) FROM change_events e WHERE e.organization_id = o.organization_id)) AS cut
    FROM old o
  ), gone AS (
    DELETE FROM change_events e USING cuts c
    WHERE e.organization_id = c.organization_id AND e.position <= c.cut
    RETURNING e.organization_id, e.position
  ), horizon AS (
    INSERT INTO stream_state AS s (organization_id, pruned_through)
    SELECT organization_id, max(position) FROM gone GROUP BY organization_id
    ON CONFLICT (organization_id) DO UPDATE SET pruned_through = greatest(s.pruned_through, excluded.pruned_through)
  )
  SELECT count(*) FROM gone $$;

REVOKE EXECUTE ON FUNCTION stream_scope_changed(), change_events_prune(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION change_events_prune(timestamptz) TO likeperson_worker;

-- Organisations that existed before this migration start with epoch 0 and nothing pruned.
INSERT INTO stream_state (organization_id) SELECT id FROM organizations;
