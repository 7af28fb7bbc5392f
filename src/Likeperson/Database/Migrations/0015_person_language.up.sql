-- The language a person reads their notifications in (push and in-app alike): Norwegian Bokmål or English. NULL until
-- they choose: the web UI records its language at their first sign-in and whenever they switch it in the header, so a
-- person's notifications follow the language they use the UI in. The dispatcher and the digest read English for NULL.
ALTER TABLE people ADD COLUMN language text CONSTRAINT people_language_valid CHECK (language IN ('nb', 'en'));

-- Sets the signed-in person's language (the application role may not update people itself). With p_only_if_unset a
-- first choice is recorded without overriding one made before (the sign-in's default from the browser's language).
CREATE FUNCTION person_language_set(p_language text, p_only_if_unset boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_language IS NULL OR p_language NOT IN ('nb', 'en') THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'language',
      DETAIL = 'language is nb (Norwegian Bokmål) or en (English).';
  END IF;
  UPDATE people SET language = p_language
  WHERE id = current_person_id() AND (NOT p_only_if_unset OR language IS NULL) AND language IS DISTINCT FROM p_language;
END $$;

REVOKE EXECUTE ON FUNCTION person_language_set(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION person_language_set(text, boolean) TO likeperson_app;
