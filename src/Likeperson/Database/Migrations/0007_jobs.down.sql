DROP FUNCTION IF EXISTS jobs_reconcile(uuid, uuid, timestamptz), jobs_follow_up_reminders(uuid, timestamptz),
  job_due_slots(timestamptz, time), job_latest_slot(timestamptz, text, time);
DROP INDEX IF EXISTS assignments_follow_up_due, peer_mentors_org_certification_due, reconciliation_discrepancies_open,
  job_runs_one_global_per_slot;
ALTER TABLE reconciliation_discrepancies DROP CONSTRAINT IF EXISTS reconciliation_discrepancies_kind_valid;
ALTER TABLE reconciliation_discrepancies DROP COLUMN IF EXISTS resolved_at, DROP COLUMN IF EXISTS last_seen_at;
