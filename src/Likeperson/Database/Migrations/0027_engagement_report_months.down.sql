-- Back to 0023's engagement_report (a subquery per month).
CREATE OR REPLACE FUNCTION engagement_report(p_from date, p_to date, p_chapter uuid, p_now timestamptz) RETURNS json
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
  actor people;
  org organizations;
  today date;
  f date;
  t date;
  lo timestamptz;
  hi timestamptz;
  scope uuid[];
BEGIN
  SELECT * INTO actor FROM people WHERE id = current_person_id();
  IF actor.id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'No such person in any organisation.';
  END IF;
  SELECT * INTO org FROM organizations WHERE id = actor.organization_id;
  IF NOT actor.org_admin AND cardinality(auth_coordinated_chapters()) = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP403', MESSAGE = 'forbidden',
      DETAIL = 'Only coordinators (for their chapters) and org admins may read the engagement report.';
  END IF;
  today := (p_now AT TIME ZONE org.timezone)::date;
  f := coalesce(p_from, date_trunc('year', today)::date);
  t := coalesce(p_to, today);
  IF t < f THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'to', DETAIL = 'to may not be before from.';
  END IF;
  IF t - f + 1 > 366 THEN
    RAISE EXCEPTION USING ERRCODE = 'LP422', MESSAGE = 'validation_failed', HINT = 'to', DETAIL = 'The period is at most 366 days.';
  END IF;
  scope := CASE WHEN actor.org_admin THEN (SELECT array_agg(id) FROM chapters WHERE organization_id = org.id)
                ELSE auth_coordinated_chapters() END;
  IF p_chapter IS NOT NULL THEN
    IF NOT coalesce(p_chapter = ANY (scope), false) THEN
      RAISE EXCEPTION USING ERRCODE = 'LP404', MESSAGE = 'not_found', DETAIL = 'Chapter was not found.';
    END IF;
    scope := ARRAY[p_chapter];
  END IF;
  lo := f::timestamp AT TIME ZONE org.timezone;
  hi := (t + 1)::timestamp AT TIME ZONE org.timezone;

  RETURN (
    WITH members AS (
      SELECT c.person_id, c.chapter_id FROM chapter_memberships c WHERE c.role = 'peer_mentor' AND c.chapter_id = ANY (scope)),
    mentors AS (
      SELECT m.id, p.display_name, m.certification_expires_at,
             least(m.created_at, first.occurred_at) AS since, coalesce(first.previous_status, m.status) AS first_status,
             first.occurred_at AS first_change,
             coalesce((SELECT array_agg(c.chapter_id ORDER BY c.chapter_id) FROM chapter_memberships c
                       WHERE c.person_id = m.id AND c.role = 'peer_mentor'), '{}') AS chapter_ids
      FROM peer_mentors m JOIN people p ON p.id = m.id
      LEFT JOIN LATERAL (SELECT l.previous_status, l.occurred_at FROM mentor_status_log l WHERE l.mentor_id = m.id
                         ORDER BY l.id LIMIT 1) first ON true
      LEFT JOIN LATERAL (SELECT l.occurred_at FROM mentor_status_log l WHERE l.mentor_id = m.id
                         ORDER BY l.id DESC LIMIT 1) last ON true
      WHERE m.id IN (SELECT person_id FROM members)
        -- Left out: mentors who joined after the period, and those deactivated before it began.
        AND least(m.created_at, first.occurred_at) < hi AND NOT (m.status = 'inactive' AND last.occurred_at < lo)),
    -- The status log as intervals: each entry's new status lasts until the next entry (or now); before the first entry
    -- the mentor had its previous status.
    statuses AS (
      SELECT l.mentor_id, l.new_status AS status, l.occurred_at AS since,
             coalesce(lead(l.occurred_at) OVER (PARTITION BY l.mentor_id ORDER BY l.id), p_now) AS until
      FROM mentor_status_log l WHERE l.mentor_id IN (SELECT id FROM mentors)
      UNION ALL
      SELECT m.id, m.first_status, m.since, coalesce(m.first_change, p_now) FROM mentors m),
    -- An interval ending exactly at a period's start still gives it the day that completes at that instant: >= lo.
    active AS (
      SELECT s.mentor_id, s.since, s.until FROM statuses s WHERE s.status = 'active' AND s.since < hi AND s.until >= lo),
    paused AS (
      SELECT pr.id, pr.mentor_id, pr.kind, pr.paused_at AS since, coalesce(pr.ended_at, p_now) AS until
      FROM pause_records pr
      WHERE pr.mentor_id IN (SELECT id FROM mentors) AND pr.paused_at < hi AND coalesce(pr.ended_at, p_now) >= lo),
    active_days AS (
      SELECT a.mentor_id, sum(report_whole_days(a.since, a.until, lo, hi))::int AS days FROM active a GROUP BY a.mentor_id),
    paused_days AS (
      SELECT p.mentor_id,
             coalesce(sum(report_whole_days(p.since, p.until, lo, hi)) FILTER (WHERE p.kind = 'voluntary'), 0)::int AS voluntary,
             coalesce(sum(report_whole_days(p.since, p.until, lo, hi)) FILTER (WHERE p.kind = 'coordinator'), 0)::int AS coordinator,
             coalesce(sum(report_whole_days(p.since, p.until, lo, hi)) FILTER (WHERE p.kind = 'certification_expired'), 0)::int AS certification,
             count(*) FILTER (WHERE p.since >= lo)::int AS pauses
      FROM paused p GROUP BY p.mentor_id),
    lapses AS (
      SELECT p.mentor_id, json_agg(json_build_object(
               'expired_on', to_char(coalesce(renewal.previous_expires_at,
                                              CASE WHEN renewal.id IS NULL THEN m.certification_expires_at END), 'YYYY-MM-DD'),
               'paused_at', rfc3339(p.since),
               'renewed_on', to_char((renewal.changed_at AT TIME ZONE org.timezone)::date, 'YYYY-MM-DD'))
             ORDER BY p.since) AS items
      FROM paused p JOIN mentors m ON m.id = p.mentor_id
      -- The renewal: the first change after the auto-pause that moved the date later.
      LEFT JOIN LATERAL (SELECT cc.* FROM certification_changes cc WHERE cc.mentor_id = p.mentor_id AND cc.changed_at >= p.since
                           AND cc.expires_at > cc.previous_expires_at
                         ORDER BY cc.changed_at, cc.id LIMIT 1) renewal ON true
      WHERE p.kind = 'certification_expired'
      GROUP BY p.mentor_id),
    work AS (
      SELECT a.peer_mentor_id AS mentor_id,
             count(*) FILTER (WHERE a.created_at >= lo AND a.created_at < hi)::int AS opened,
             count(*) FILTER (WHERE a.closed_at >= lo AND a.closed_at < hi)::int AS completed
      FROM assignments a WHERE a.peer_mentor_id IN (SELECT id FROM mentors) AND (a.created_at < hi AND coalesce(a.closed_at, hi) >= lo)
      GROUP BY a.peer_mentor_id),
    activity AS (
      SELECT a.peer_mentor_id AS mentor_id, count(*)::int AS activities,
             coalesce(sum(x.duration_minutes), 0)::int AS minutes -- an activity without a duration counts no minutes
      FROM assignment_activities x JOIN assignments a ON a.id = x.assignment_id
      WHERE a.peer_mentor_id IN (SELECT id FROM mentors) AND x.occurred_at >= lo AND x.occurred_at < hi
      GROUP BY a.peer_mentor_id),
    rows AS (
      SELECT m.id, m.display_name, m.chapter_ids, coalesce(ad.days, 0) AS days_active,
        coalesce(pd.voluntary, 0) AS days_paused_voluntary, coalesce(pd.coordinator, 0) AS days_paused_by_coordinator,
        coalesce(pd.certification, 0) AS days_paused_certification, coalesce(pd.pauses, 0) AS pauses,
        coalesce(l.items, '[]') AS certification_lapses, coalesce(w.opened, 0) AS assignments_opened,
        coalesce(w.completed, 0) AS assignments_completed, coalesce(x.activities, 0) AS activities,
        coalesce(x.minutes, 0) AS activity_minutes
      FROM mentors m
      LEFT JOIN active_days ad ON ad.mentor_id = m.id LEFT JOIN paused_days pd ON pd.mentor_id = m.id
      LEFT JOIN lapses l ON l.mentor_id = m.id LEFT JOIN work w ON w.mentor_id = m.id LEFT JOIN activity x ON x.mentor_id = m.id),
    months AS (
      SELECT to_char(g, 'YYYY-MM') AS month, greatest(g::date, f) AS first_day,
             greatest(g::date, f)::timestamp AT TIME ZONE org.timezone AS mlo,
             (least((g + interval '1 month')::date - 1, t) + 1)::timestamp AT TIME ZONE org.timezone AS mhi
      FROM generate_series(date_trunc('month', f::timestamp), t::timestamp, interval '1 month') g),
    monthly AS (
      SELECT mo.month, mo.first_day,
        coalesce((SELECT sum(report_whole_days(a.since, a.until, mo.mlo, mo.mhi)) FROM active a WHERE a.since < mo.mhi AND a.until >= mo.mlo), 0)::int AS days_active,
        coalesce((SELECT sum(report_whole_days(p.since, p.until, mo.mlo, mo.mhi)) FROM paused p WHERE p.since < mo.mhi AND p.until >= mo.mlo), 0)::int AS days_paused
      FROM months mo),
    totals AS (
      SELECT c.id, c.name, count(r.id)::int AS mentors,
        coalesce(sum(r.days_active), 0)::int AS days_active,
        coalesce(sum(r.days_paused_voluntary), 0)::int AS days_paused_voluntary,
        coalesce(sum(r.days_paused_by_coordinator), 0)::int AS days_paused_by_coordinator,
        coalesce(sum(r.days_paused_certification), 0)::int AS days_paused_certification,
        coalesce(sum(r.pauses), 0)::int AS pauses,
        coalesce(sum(json_array_length(r.certification_lapses)), 0)::int AS certification_lapses,
        coalesce(sum(r.assignments_opened), 0)::int AS assignments_opened,
        coalesce(sum(r.assignments_completed), 0)::int AS assignments_completed,
        coalesce(sum(r.activities), 0)::int AS activities,
        coalesce(sum(r.activity_minutes), 0)::int AS activity_minutes
      FROM chapters c LEFT JOIN members mb ON mb.chapter_id = c.id LEFT JOIN rows r ON r.id = mb.person_id
      WHERE c.id = ANY (scope)
      GROUP BY c.id, c.name)
    SELECT json_build_object(
      'organization_id', org.id, 'organization_name', org.name, 'timezone', org.timezone,
      'chapter_id', p_chapter, 'chapter_name', (SELECT name FROM chapters WHERE id = p_chapter),
      'from', to_char(f, 'YYYY-MM-DD'), 'to', to_char(t, 'YYYY-MM-DD'),
      'items', coalesce((SELECT json_agg(json_build_object(
          'mentor_id', r.id, 'display_name', r.display_name, 'chapter_ids', to_json(r.chapter_ids),
          'days_active', r.days_active, 'days_paused_voluntary', r.days_paused_voluntary,
          'days_paused_by_coordinator', r.days_paused_by_coordinator, 'days_paused_certification', r.days_paused_certification,
          'pauses', r.pauses, 'certification_lapses', r.certification_lapses, 'assignments_opened', r.assignments_opened,
          'assignments_completed', r.assignments_completed, 'activities', r.activities, 'activity_minutes', r.activity_minutes)
        ORDER BY r.display_name, r.id) FROM rows r), '[]'),
      'totals', coalesce((SELECT json_agg(json_build_object(
          'chapter_id', x.id, 'chapter_name', x.name, 'mentors', x.mentors, 'days_active', x.days_active,
          'days_paused_voluntary', x.days_paused_voluntary, 'days_paused_by_coordinator', x.days_paused_by_coordinator,
          'days_paused_certification', x.days_paused_certification, 'pauses', x.pauses,
          'certification_lapses', x.certification_lapses, 'assignments_opened', x.assignments_opened,
          'assignments_completed', x.assignments_completed, 'activities', x.activities, 'activity_minutes', x.activity_minutes)
        ORDER BY x.name, x.id) FROM totals x), '[]'),
      'months', coalesce((SELECT json_agg(json_build_object('month', mo.month, 'days_active', mo.days_active,
                                                              'days_paused', mo.days_paused) ORDER BY mo.first_day)
                          FROM monthly mo), '[]')));
END $$;
REVOKE EXECUTE ON FUNCTION engagement_report(date, date, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION engagement_report(date, date, uuid, timestamptz) TO likeperson_app;
