-- The engagement report without JIT compilation (issue 18's goal: 10,000 mentors x one year under 1 s through the API;
-- it took 1.07 s, the SQL alone 0.94 s, on a quiet machine). The planner's cost for the report's statement is about
-- 270,000 (the months' generate_series and the CTEs are estimated far off), above jit_above_cost, so PostgreSQL
-- compiled some 370 expressions to machine code at every call: 236 ms of the 0.94 s (EXPLAIN's "JIT: Timing ...
-- Total"). The code is not kept between calls, and the report's rows are too few for compiled code to repay that.
-- Measured side by side on the bench's year, the same document (same md5 as text): 0.82 s with, 0.69 to 0.76 s without.
ALTER FUNCTION engagement_report(date, date, uuid, timestamptz) SET jit = off;
