-- "last_contact_date is never in the future" held only in activity_record, the one path the
-- application role has. The worker role (BYPASSRLS, full DML on assignments) could write any date
-- directly. This trigger makes the rule hold for every direct write, by any role: a new or changed
-- last_contact_date may not be later than the database's clock (a minute of slack for clock skew
-- between the server and the database, as for assignment_activities).
--
-- Writes made inside a SECURITY DEFINER function (current_user differs from session_user: only
-- activity_record writes this column) are left to that function, which refuses an activity later
-- than the "now" the server passes from its TimeProvider: the server's clock stays the one clock of
-- the rules, so a controlled clock in tests (or skew) never makes a valid activity fail here.
CREATE FUNCTION assignments_last_contact_not_future() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = session_user AND NEW.last_contact_date > clock_timestamp() + interval '1 minute' THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'last_contact_date',
      DETAIL = format('last_contact_date may not be in the future (%s is later than the database clock).', NEW.last_contact_date);
  END IF;
  RETURN NEW;
END $$;

-- WHEN clauses: rows without a contact date, and updates that leave it alone, never call the function.
CREATE TRIGGER assignments_last_contact_not_future_insert BEFORE INSERT ON assignments
  FOR EACH ROW WHEN (NEW.last_contact_date IS NOT NULL) EXECUTE FUNCTION assignments_last_contact_not_future();
CREATE TRIGGER assignments_last_contact_not_future_update BEFORE UPDATE OF last_contact_date ON assignments
  FOR EACH ROW WHEN (NEW.last_contact_date IS DISTINCT FROM OLD.last_contact_date) EXECUTE FUNCTION assignments_last_contact_not_future();

REVOKE EXECUTE ON FUNCTION assignments_last_contact_not_future() FROM PUBLIC;
