DROP FUNCTION IF EXISTS web_push_subscribe(text, text, text, text);
DROP TABLE IF EXISTS web_push_subscriptions;
DROP TABLE IF EXISTS web_push_keys;
