ALTER FUNCTION engagement_report(date, date, uuid, timestamptz) RESET jit;
