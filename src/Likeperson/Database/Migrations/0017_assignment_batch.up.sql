-- Batch dispatch (POST /assignments/batch): assignment_create for each item, in order, all or nothing. Sequences,
-- honorarium milestones and assignment.created events are therefore exactly those of creating the items one by one.
--
-- A refusal refuses the whole batch and names every failing item. It is one LP error: its status (SQLSTATE) and
-- MESSAGE (code) are the first failing item's, DETAIL says how many items were refused, and HINT is the JSON form of
-- several field errors that ProblemMapping understands:
--   {"errors": {"items[3].peer_mentor_id": ["The peer mentor is paused; ..."]}, "codes": {"items[3].peer_mentor_id": "peer_mentor_not_active"}}
-- (the field is the item's HINT, or the id the refusal is about when it has none: a contact or a mentor not found).
--
-- The batch first runs as a whole in one sub-block (one subtransaction). Only when that is refused does it run again
-- item by item, each in its own sub-block, to collect every failing item; whatever those create is rolled back by the
-- final refusal. (Should nothing fail on that second pass, because a mentor was reactivated meanwhile, its result
-- stands.)
CREATE FUNCTION assignment_create_batch(p_items jsonb, p_now timestamptz) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor people := acting_person();
  n int;
  i int;
  item jsonb;
  created jsonb[] := '{}';
  errors jsonb := '{}';
  codes jsonb := '{}';
  failed int := 0;
  first_state text;
  first_code text;
  first_index int;
  first_detail text;
  e_state text;
  e_code text;
  e_detail text;
  e_hint text;
  field text;
BEGIN
  IF jsonb_typeof(p_items) IS DISTINCT FROM 'array' OR jsonb_array_length(p_items) NOT BETWEEN 1 AND 500 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'items',
      DETAIL = 'items must hold 1 to 500 assignments.';
  END IF;
  n := jsonb_array_length(p_items);
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_items) e WHERE jsonb_typeof(e) <> 'object') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP400', MESSAGE = 'malformed_request', DETAIL = 'Every item of items is an object.';
  END IF;
  -- Only coordinators and org admins dispatch; anyone else hears it once, not once per item.
  IF actor.id IS NOT NULL AND NOT actor.org_admin
     AND NOT EXISTS (SELECT 1 FROM chapter_memberships WHERE person_id = actor.id AND role = 'coordinator') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only a coordinator of the contact''s chapter or an org admin may create assignments.';
  END IF;

  BEGIN
    FOR i IN 0 .. n - 1 LOOP
      item := p_items -> i;
      created := created || assignment_json(assignment_create((item ->> 'peer_mentor_id')::uuid, (item ->> 'contact_id')::uuid,
        coalesce(item ->> 'status', 'open'), item ->> 'notes', p_now));
    END LOOP;
    RETURN to_jsonb(created);
  EXCEPTION WHEN OTHERS THEN
    IF SQLSTATE NOT LIKE 'LP%' THEN RAISE; END IF;
  END;

  created := '{}';
  FOR i IN 0 .. n - 1 LOOP
    item := p_items -> i;
    BEGIN
      created := created || assignment_json(assignment_create((item ->> 'peer_mentor_id')::uuid, (item ->> 'contact_id')::uuid,
        coalesce(item ->> 'status', 'open'), item ->> 'notes', p_now));
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_code = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL,
        e_hint = PG_EXCEPTION_HINT;
      IF e_state NOT LIKE 'LP%' THEN RAISE; END IF;
      field := format('items[%s].%s', i, coalesce(nullif(e_hint, ''),
        CASE WHEN e_state = 'LP403' OR e_detail LIKE 'Contact %' THEN 'contact_id' ELSE 'peer_mentor_id' END));
      errors := errors || jsonb_build_object(field, jsonb_build_array(coalesce(nullif(e_detail, ''), e_code)));
      codes := codes || jsonb_build_object(field, e_code);
      failed := failed + 1;
      IF first_state IS NULL THEN
        first_state := e_state; first_code := e_code; first_index := i; first_detail := coalesce(nullif(e_detail, ''), e_code);
      END IF;
    END;
  END LOOP;
  IF failed = 0 THEN
    RETURN to_jsonb(created);
  END IF;
  RAISE EXCEPTION USING ERRCODE = first_state, MESSAGE = first_code,
    DETAIL = format('%s of %s items were refused, so none was created. items[%s]: %s', failed, n, first_index, first_detail),
    HINT = jsonb_build_object('errors', errors, 'codes', codes)::text;
END $$;

REVOKE EXECUTE ON FUNCTION assignment_create_batch(jsonb, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION assignment_create_batch(jsonb, timestamptz) TO likeperson_app, likeperson_worker;
