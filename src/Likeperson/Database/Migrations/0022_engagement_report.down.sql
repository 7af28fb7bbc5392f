DROP FUNCTION IF EXISTS engagement_report(date, date, uuid, timestamptz);
DROP FUNCTION IF EXISTS report_whole_days(timestamptz, timestamptz, timestamptz, timestamptz);
DROP TRIGGER IF EXISTS peer_mentors_certification_changes ON peer_mentors;
DROP FUNCTION IF EXISTS certification_changes_record();
DROP TABLE IF EXISTS certification_changes;
