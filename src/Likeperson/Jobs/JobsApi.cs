using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Jobs;

/// <summary>
/// Manual runs, the run history and reconciliation's discrepancies, for the caller's organisation.
/// Org admins may run every job; coordinators certification-expiry only. Runs and discrepancies
/// are read under row-level security (coordinators and org admins of the organisation).
/// </summary>
public static class JobsApi
{
    public static void MapJobsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization();
        group.MapPost("/{name}/run", Run)
            .WithSummary("Run a job now for the caller's organisation (org admin; coordinators: certification-expiry only); answers when it has finished. " +
                         "While a manual run of that job is running for the organisation, another is 409 job_running.")
            .ProducesProblems(403, 409);
        group.MapGet("/runs", Runs).ProducesProblems(400, 403, 422).WithSummary("Recent runs of the caller's organisation, newest first (coordinators, org admins).");
        group.MapGet("/discrepancies", Discrepancies).ProducesProblems(400, 403, 422)
            .WithSummary("What reconciliation found (coordinators: their mentors; org admins: the organisation), newest first; open ones by default.");
    }

    private static async Task<Ok<JobRunResponse>> Run(string name, ClaimsPrincipal user, Db db, JobRunner runner,
        IHostApplicationLifetime lifetime, CancellationToken ct) =>
        // A client that hangs up does not cut the run short (it would be recorded as failed halfway): it finishes and is in
        // GET /jobs/runs. Shutting the instance down does: the run stops and is recorded failed ("Interrupted"), so shutdown
        // never waits on it.
        TypedResults.Ok(await RunNowAsync(db, runner, user.PersonId(), name, lifetime.ApplicationStopping, ct));

    /// <summary>
    /// A person's manual run of a job for their organisation (the endpoint and the page /admin/jobs): 404 for a job that is
    /// not public, 403 when <see cref="MayRun"/> refuses, 409 job_running while a manual run of it is under way. The job itself
    /// runs as the worker, like a scheduled run; started_by records who asked. It stops only with <paramref name="stopping"/>.
    /// </summary>
    public static async Task<JobRunResponse> RunNowAsync(Db db, JobRunner runner, Guid personId, string name, CancellationToken stopping,
        CancellationToken ct = default)
    {
        if (!JobNames.Public.Contains(name) || runner.Find(name) is not { } job)
            throw new ApiException(404, "not_found", $"There is no job '{name}'; jobs are {string.Join(", ", JobNames.Public)}.");
        var caller = await db.AsPersonAsync(personId, s => Task.FromResult(s.Person), ct);
        if (!MayRun(caller.OrgAdmin, caller.IsCoordinator, name))
            throw ApiException.Forbidden(caller.IsCoordinator
                ? "Coordinators may run certification-expiry only; the other jobs are for org admins."
                : "Only org admins (and, for certification-expiry, coordinators) may run jobs.");
        return await runner.RunNowAsync(job, caller.OrganizationId, caller.PersonId, stopping);
    }

    /// <summary>Who may run a job by hand: org admins every public job, coordinators certification-expiry.</summary>
    public static bool MayRun(bool orgAdmin, bool coordinator, string name) =>
        orgAdmin || (coordinator && name == JobNames.CertificationExpiry);

    private sealed record RunCursor(DateTime S, Guid I);

    private static async Task<Ok<Page<JobRunResponse>>> Runs(string? job, int? limit, string? cursor, ClaimsPrincipal user, Db db,
        CancellationToken ct)
    {
        if (job is not null && !JobNames.Public.Contains(job))
            throw new ApiException(400, "malformed_request", $"job must be one of {string.Join(", ", JobNames.Public)}.");
        var take = Paging.Limit(limit);
        var after = Paging.Decode<RunCursor>(cursor);
        var rows = await db.AsPersonAsync(user.PersonId(), async s =>
        {
            RequireCoordinatorOrAdmin(s.Person);
            return (await s.Connection.QueryAsync<JobRunRow>(new CommandDefinition($"""
                SELECT {JobRunRow.Columns} FROM job_runs
                WHERE organization_id = @org AND (@job::text IS NULL OR job = @job)
                  AND (@afterAt::timestamptz IS NULL OR (started_at, id) < (@afterAt, @afterId))
                ORDER BY started_at DESC, id DESC LIMIT @fetch
                """, new { org = s.Person.OrganizationId, job, afterAt = after?.S, afterId = after?.I ?? Guid.Empty, fetch = take + 1 },
                cancellationToken: ct))).ToList();
        }, ct);
        var next = rows.Count > take ? Paging.Encode(new RunCursor(rows[take - 1].StartedAt, rows[take - 1].Id)) : null;
        return TypedResults.Ok(new Page<JobRunResponse>(rows.Take(take).Select(r => r.ToResponse()).ToList(), next));
    }

    private sealed record DiscrepancyCursor(long I);

    private static async Task<Ok<Page<DiscrepancyResponse>>> Discrepancies(string? state, [FromQuery(Name = "mentor_id")] Guid? mentorId,
        int? limit, string? cursor, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        if (state is not (null or "open" or "resolved" or "all"))
            throw new ApiException(400, "malformed_request", "state must be one of open, resolved, all.");
        var take = Paging.Limit(limit);
        var after = Paging.Decode<DiscrepancyCursor>(cursor);
        var rows = await db.AsPersonAsync(user.PersonId(), async s =>
        {
            RequireCoordinatorOrAdmin(s.Person);
            // Row-level security limits the mentors a coordinator sees to those of their chapters.
            return (await s.Connection.QueryAsync<DiscrepancyRow>(new CommandDefinition("""
                SELECT d.id, d.run_id, d.mentor_id, p.display_name AS mentor_display_name, d.kind, d.detail, d.found_at, d.last_seen_at, d.resolved_at
                FROM reconciliation_discrepancies d LEFT JOIN people p ON p.id = d.mentor_id
                WHERE d.organization_id = @org AND (@admin OR d.mentor_id IN (SELECT id FROM peer_mentors))
                  AND (@state = 'all' OR (@state = 'open') = (d.resolved_at IS NULL))
                  AND (@mentorId::uuid IS NULL OR d.mentor_id = @mentorId) AND (@afterId::bigint IS NULL OR d.id < @afterId)
                ORDER BY d.id DESC LIMIT @fetch
                """, new
            {
                org = s.Person.OrganizationId, admin = s.Person.OrgAdmin, state = state ?? "open", mentorId,
                afterId = after?.I, fetch = take + 1,
            }, cancellationToken: ct))).ToList();
        }, ct);
        var next = rows.Count > take ? Paging.Encode(new DiscrepancyCursor(rows[take - 1].Id)) : null;
        return TypedResults.Ok(new Page<DiscrepancyResponse>(rows.Take(take).Select(r => r.ToResponse()).ToList(), next));
    }

    private static void RequireCoordinatorOrAdmin(Caller caller)
    {
        if (!caller.OrgAdmin && !caller.IsCoordinator)
            throw ApiException.Forbidden("Only coordinators and org admins see job runs and discrepancies.");
    }

    private sealed class DiscrepancyRow
    {
        public long Id { get; init; }
        public Guid RunId { get; init; }
        public Guid? MentorId { get; init; }
        public string? MentorDisplayName { get; init; }
        public string Kind { get; init; } = "";
        public string Detail { get; init; } = "";
        public DateTime FoundAt { get; init; }
        public DateTime LastSeenAt { get; init; }
        public DateTime? ResolvedAt { get; init; }

        public DiscrepancyResponse ToResponse() => new(Id, RunId, MentorId, MentorDisplayName, SnakeCase.Parse<DiscrepancyKind>(Kind), Detail,
            FoundAt, LastSeenAt, ResolvedAt);
    }
}
