using Likeperson.Database;

namespace Likeperson.Jobs;

/// <summary>
/// The latest runs of each public job of the caller's organisation, newest first, read under row-level security (the
/// job_runs_read policy: coordinators and org admins of the organisation; anyone else reads none) with the
/// organisation's id (null for a caller who is no person here). The page /admin/jobs sends it with its frame.
/// </summary>
public static class JobRunHistory
{
    public sealed record Recent(Guid? OrganizationId, IReadOnlyList<JobRunResponse> Runs);

    public static Statement<Recent> Latest(int perJob) => new($"""
        SELECT auth_org_id();
        SELECT {JobRunRow.Columns} FROM (
          SELECT r.*, row_number() OVER (PARTITION BY r.job ORDER BY r.started_at DESC, r.id DESC) AS n
          FROM job_runs r WHERE r.organization_id = (SELECT auth_org_id()) AND r.job = ANY(@lp_jobs)) latest
        WHERE n <= @lp_per_job ORDER BY job, started_at DESC, id DESC
        """, new Dapper.DynamicParameters(new { lp_jobs = JobNames.Public, lp_per_job = perJob }), async results =>
        new Recent(await results.ReadSingleOrDefaultAsync<Guid?>(), (await results.ReadAsync<JobRunRow>()).Select(r => r.ToResponse()).ToList()));
}
