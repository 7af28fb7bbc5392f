DROP INDEX notifications_failed;
DROP FUNCTION notification_recipient_name(uuid);
DROP FUNCTION device_register(text, text);
DROP FUNCTION notification_audience(uuid, uuid, uuid);
DROP FUNCTION notification_publish(uuid[]);
DROP FUNCTION notification_create(uuid, uuid, uuid, text, text, text, text, text, jsonb, uuid, uuid, uuid, bigint, text, text);
DROP FUNCTION notification_json(notifications);
