using Likeperson.Database;
using Likeperson.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace Likeperson.Web.Pages.Admin;

/// <summary>
/// Job health for the caller's organisation: per job its latest runs (status, trigger, start, end, stats, error), the
/// readiness warnings /readyz knows about it, and "Run now", which runs it in-process through the same function as
/// `POST /api/v1/jobs/{name}/run` and then shows that run's result. Org admins see every job; coordinators only
/// certification-expiry (the one they may run); anyone else gets a 403 page. A refused run (job_running, forbidden)
/// shows the page again with the reason.
/// </summary>
public sealed class JobsModel(Db db, Lang lang, JobRunner runner, JobHealth health, IHostApplicationLifetime lifetime) : AppPage(db, lang)
{
    public const int RunsPerJob = 5;

    public override string Nav => "jobs";

    public sealed record JobView(string Name, IReadOnlyList<JobRunResponse> Runs, IReadOnlyList<JobProblem> Problems);

    public IReadOnlyList<JobView> Jobs { get; private set; } = [];

    /// <summary>The run just made by "Run now" (`?run=`), shown at the top.</summary>
    public JobRunResponse? Ran { get; private set; }

    public bool Forbidden { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery] Guid? run, CancellationToken ct)
    {
        var recent = await ReadAsync(JobRunHistory.Latest(RunsPerJob));
        if (!Viewer.Supervises)
        {
            (Forbidden, Error) = (true, L["jobs.forbidden"]);
            Response.StatusCode = 403;
            return Page();
        }
        var problems = recent.OrganizationId is { } org ? await health.ProblemsAsync(org, ct) : [];
        Jobs = JobNames.Public.Where(name => JobsApi.MayRun(Viewer.OrgAdmin, Viewer.Coordinator, name))
            .Select(name => new JobView(name, recent.Runs.Where(r => r.Job == name).ToList(), problems.Where(p => p.Job == name).ToList()))
            .ToList();
        Ran = run is { } id ? recent.Runs.FirstOrDefault(r => r.RunId == id && Jobs.Any(j => j.Name == r.Job)) : null;
        return Page();
    }

    public async Task<IActionResult> OnPostRunAsync(string? name, CancellationToken ct)
    {
        JobRunResponse? ran = null;
        if (await TryAsync(async () => ran = await JobsApi.RunNowAsync(Db, runner, Me, name ?? "", lifetime.ApplicationStopping, ct)))
            return LocalRedirect($"/admin/jobs?run={ran!.RunId}");
        var refusal = Error;
        var page = await OnGetAsync(null, ct);
        if (!Forbidden) Error = refusal;
        return page;
    }

    /// <summary>A run's stats as label and value, labels in the page's language where known.</summary>
    public IEnumerable<(string Label, string Value)> Stats(JobRunResponse run) =>
        run.Stats.ValueKind != System.Text.Json.JsonValueKind.Object ? [] :
            run.Stats.EnumerateObject().Select(p => (L["jobs.stat." + p.Name] is var t && t != "jobs.stat." + p.Name ? t : p.Name, p.Value.ToString()));

    public string Problem(JobProblem p) => p.Kind switch
    {
        JobProblemKind.LastRunFailed => L.Format("jobs.problem.failed", p.Error),
        JobProblemKind.Stuck => L.Format("jobs.problem.stuck", L.DateTime(p.At)),
        JobProblemKind.SlotMissed => L.Format("jobs.problem.missed", L.DateTime(p.At)),
        _ => L.Format("jobs.problem.expired_active", p.Count),
    };
}
