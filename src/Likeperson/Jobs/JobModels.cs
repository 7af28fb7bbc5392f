using System.Text.Json;

namespace Likeperson.Jobs;

/// <summary>What started a run.</summary>
public enum JobTrigger
{
    /// <summary>The scheduler, at (or within two poll intervals of) the slot's time.</summary>
    Scheduled,
    /// <summary>The scheduler, later than that: the slot was missed while no instance was up (runs once, at start-up).</summary>
    CatchUp,
    /// <summary>A person (POST /jobs/{name}/run) or an operator (the `jobs run` verb).</summary>
    Manual,
}

public enum JobStatus { Running, Succeeded, Failed }

/// <summary>One run of a job (a job_runs row). `slot` is the scheduled time it claimed (null for a manual run).</summary>
public sealed record JobRunResponse(
    Guid RunId, string Job, Guid? OrganizationId, JobTrigger Trigger, DateTime? Slot, JobStatus Status,
    DateTime StartedAt, DateTime? FinishedAt, Guid? StartedBy, JsonElement Stats, string? Error);

/// <summary>A disagreement between a mentor's status, live pause record and status log, found by reconciliation.</summary>
public sealed record DiscrepancyResponse(
    long Id, Guid RunId, Guid? MentorId, string? MentorDisplayName, DiscrepancyKind Kind, string Detail,
    DateTime FoundAt, DateTime LastSeenAt, DateTime? ResolvedAt);

/// <summary>The kinds reconciliation records (reconciliation_discrepancies_kind_valid lists the same).</summary>
public enum DiscrepancyKind
{
    /// <summary>A live pause record's status disagrees with its kind (expired_cert must be a certification pause).</summary>
    StatusMismatch,
    /// <summary>The mentor is paused or pending_reactivation but has no live pause record.</summary>
    MissingLivePause,
    /// <summary>The mentor is active or inactive but a pause record is still live.</summary>
    UnexpectedLivePause,
    /// <summary>The status log's last entry (active when there is none) is not the mentor's status.</summary>
    StatusLogMismatch,
    /// <summary>A status log entry starts from a status the entry before it did not end in.</summary>
    StatusLogGap,
}

/// <summary>Raw job_runs row.</summary>
public sealed class JobRunRow
{
    public Guid Id { get; init; }
    public string Job { get; init; } = "";
    public Guid? OrganizationId { get; init; }
    public string Trigger { get; init; } = "";
    public DateTime? Slot { get; init; }
    public string Status { get; init; } = "";
    public DateTime StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public Guid? StartedBy { get; init; }
    public string Stats { get; init; } = "{}";
    public string? Error { get; init; }

    public const string Columns = "id, job, organization_id, trigger, slot, status, started_at, finished_at, started_by, stats::text AS stats, error";

    public JobRunResponse ToResponse() => new(Id, Job, OrganizationId, SnakeCase.Parse<JobTrigger>(Trigger), Slot,
        SnakeCase.Parse<JobStatus>(Status), StartedAt, FinishedAt, StartedBy, JsonDocument.Parse(Stats).RootElement.Clone(), Error);
}
