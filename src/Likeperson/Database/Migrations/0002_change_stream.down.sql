DROP FUNCTION IF EXISTS emit_change(uuid, text, uuid[], uuid, uuid, jsonb), enqueue_outbox(uuid, text, jsonb), mentor_chapter_ids(uuid);
