using System.Text.Json.Nodes;

namespace Likeperson.Jobs;

/// <summary>
/// One kind of scheduled work. <see cref="RunAsync"/> does one run for one organisation (or, for a
/// global job, for all of them when the organisation is null) as of the given "now", and returns
/// its stats. It must be safe to repeat: a second run with nothing new changes nothing. Recording
/// the run (job_runs) is <see cref="JobRunner"/>'s business, so benchmarks may call this directly.
/// </summary>
public interface IJob
{
    /// <summary>The name in job_runs and the API (`certification-expiry`, ...).</summary>
    string Name { get; }

    /// <summary>False for a job that runs once for the whole database (retention).</summary>
    bool PerOrganization { get; }

    /// <param name="runId">The job_runs row of this run (reconciliation links what it finds to it).</param>
    Task<JsonObject> RunAsync(Guid? organizationId, DateTimeOffset now, Guid runId, CancellationToken ct = default);
}

/// <summary>The job names (job_runs_job_valid lists the same).</summary>
public static class JobNames
{
    public const string CertificationExpiry = "certification-expiry";
    public const string FollowUpReminders = "follow-up-reminders";
    public const string PauseDigest = "pause-digest";
    public const string Reconciliation = "reconciliation";
    public const string Retention = "retention";

    /// <summary>The jobs the API may run (retention is internal: the scheduler and the `jobs run` verb only).</summary>
    public static readonly string[] Public = [CertificationExpiry, FollowUpReminders, PauseDigest, Reconciliation];
}
