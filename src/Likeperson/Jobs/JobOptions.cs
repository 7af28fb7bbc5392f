namespace Likeperson.Jobs;

/// <summary>`Jobs:*`: when the scheduled jobs run and how much they keep.</summary>
public sealed class JobOptions
{
    /// <summary>Local time (in each organisation's time zone) of the nightly slot; retention runs at this time UTC.</summary>
    public TimeSpan NightlyAt { get; set; } = TimeSpan.FromHours(2);
    public ScheduleOptions Schedule { get; set; } = new();
    /// <summary>Mentors paused per transaction by certification-expiry (short transactions keep the stream lock short).</summary>
    public int CertificationExpiryBatchSize { get; set; } = 200;
    public RetentionOptions Retention { get; set; } = new();
    /// <summary>`Events:RetentionDays` (the event stream's window): retention prunes change events older than this.</summary>
    public int EventRetentionDays { get; set; } = 7;

    public static JobOptions FromConfiguration(IConfiguration config)
    {
        var options = config.GetSection("Jobs").Get<JobOptions>() ?? new JobOptions();
        options.EventRetentionDays = config.GetValue("Events:RetentionDays", options.EventRetentionDays);
        if (options.NightlyAt < TimeSpan.Zero || options.NightlyAt >= TimeSpan.FromDays(1))
            throw new InvalidOperationException($"Jobs:NightlyAt must be a time of day (00:00 to 23:59), not {options.NightlyAt}.");
        if (options.Schedule.PollInterval <= TimeSpan.Zero)
            throw new InvalidOperationException("Jobs:Schedule:PollInterval must be positive.");
        if (options.CertificationExpiryBatchSize < 1)
            throw new InvalidOperationException("Jobs:CertificationExpiryBatchSize must be at least 1.");
        return options;
    }
}

/// <summary>`Jobs:Schedule:*`.</summary>
public sealed class ScheduleOptions
{
    /// <summary>False leaves only manual runs (HTTP and the `jobs run` verb) on this instance.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>How often the scheduler looks for a due slot (each instance; slots are claimed in the database).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>/readyz reports a slot as missed when it has had no run this long after its time.</summary>
    public TimeSpan MissedAfter { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>/readyz reports a run still `running` after this long (its instance probably died).</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>`Jobs:Retention:*`: what the nightly retention job deletes (change events: `Events:RetentionDays`).</summary>
public sealed class RetentionOptions
{
    /// <summary>Notifications older than this are deleted (held items waiting for a digest are kept).</summary>
    public int NotificationDays { get; set; } = 365;
    /// <summary>Processed outbox rows older than this are deleted.</summary>
    public int OutboxDays { get; set; } = 30;
    /// <summary>Job runs (and the discrepancies they first found, once resolved) older than this are deleted.</summary>
    public int JobRunDays { get; set; } = 90;
}
