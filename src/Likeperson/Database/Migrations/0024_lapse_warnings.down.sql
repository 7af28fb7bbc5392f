DROP FUNCTION IF EXISTS jobs_return_dates_passed(uuid, timestamptz);
DROP FUNCTION IF EXISTS jobs_certification_warnings(uuid, timestamptz);
DROP FUNCTION IF EXISTS certification_warning_window(int[]);
DROP TABLE IF EXISTS return_date_notices;
DROP TABLE IF EXISTS certification_warnings;
DELETE FROM notification_preferences WHERE type IN ('certification_expiring', 'return_date_passed');
DELETE FROM notifications WHERE type IN ('certification_expiring', 'return_date_passed');
DELETE FROM outbox WHERE kind IN ('certification_expiring', 'return_date_passed');
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_type_valid,
  ADD CONSTRAINT notification_preferences_type_valid CHECK (type IN (
    'mentor_paused', 'mentor_reactivated', 'certification_expiry_auto_pause', 'reactivation_pending_ack'));
ALTER TABLE notifications DROP CONSTRAINT notifications_type_valid, ADD CONSTRAINT notifications_type_valid CHECK (type IN (
  'mentor_paused', 'mentor_reactivated', 'mentor_deactivated', 'certification_expiry_auto_pause',
  'reactivation_pending_ack', 'pause_confirmation', 'reactivation_confirmation', 'pause_digest',
  'honorarium_threshold_reached', 'follow_up_reminder', 'follow_up_escalation'));
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_valid, ADD CONSTRAINT outbox_kind_valid CHECK (kind IN (
  'mentor_status_changed', 'honorarium_threshold_reached', 'follow_up_reminder', 'follow_up_escalation'));
ALTER TABLE organizations DROP COLUMN IF EXISTS certification_warning_days;
