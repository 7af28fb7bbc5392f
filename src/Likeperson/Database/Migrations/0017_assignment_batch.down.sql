DROP FUNCTION IF EXISTS assignment_create_batch(jsonb, timestamptz);
