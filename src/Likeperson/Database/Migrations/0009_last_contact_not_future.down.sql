DROP TRIGGER IF EXISTS assignments_last_contact_not_future_update ON assignments;
DROP TRIGGER IF EXISTS assignments_last_contact_not_future_insert ON assignments;
DROP FUNCTION IF EXISTS assignments_last_contact_not_future();
