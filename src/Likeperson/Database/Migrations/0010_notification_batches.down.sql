DROP FUNCTION notification_create_many(uuid[], uuid[], uuid[], text[], text[], text[], text[], text[], jsonb[], uuid[],
  uuid[], uuid[], bigint[], text[], text[]);
