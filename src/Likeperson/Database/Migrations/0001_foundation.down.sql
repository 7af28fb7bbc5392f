DROP TABLE IF EXISTS follow_up_notices, reconciliation_discrepancies, job_runs, devices, notification_preferences,
  notifications, outbox, change_events, stream_positions, assignment_activities, assignments, mentor_status_log,
  pause_records, peer_mentors, contacts, chapter_memberships, people, chapters, organizations CASCADE;
DROP FUNCTION IF EXISTS auth_member_chapters(), auth_coordinated_chapters(), auth_is_org_admin(), auth_org_id(),
  notifications_guard(), notification_status_rank(text), assignments_guard(), is_valid_timezone(text),
  set_updated_at(), current_person_id();
REVOKE ALL ON public.schema_migrations FROM likeperson_app, likeperson_worker;
REVOKE USAGE ON SCHEMA public FROM likeperson_app, likeperson_worker;
