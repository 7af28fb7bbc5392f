DROP FUNCTION IF EXISTS person_language_set(text, boolean);
ALTER TABLE people DROP COLUMN IF EXISTS language;
