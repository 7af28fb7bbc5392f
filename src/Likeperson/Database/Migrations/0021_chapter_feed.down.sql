DROP FUNCTION IF EXISTS chapter_public_mentors(uuid, timestamptz), mentor_set_listing(uuid, boolean);
ALTER TABLE peer_mentors DROP COLUMN IF EXISTS listed_publicly;
