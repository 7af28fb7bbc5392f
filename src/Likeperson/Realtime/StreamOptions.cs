namespace Likeperson.Realtime;

/// <summary>`Events:*`: the event stream's retention, heartbeat and fan-out settings.</summary>
public sealed class StreamOptions
{
    /// <summary>How long events are kept; the jobs feature's `retention` job prunes older ones (`change_events_prune`).</summary>
    public int RetentionDays { get; set; } = 7;
    /// <summary>A comment line goes to every open stream this often (the contract: at least every 15 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The safety net: every organisation with subscribers is read this often even without a NOTIFY.</summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Events queued for one subscriber; a client that falls further behind is disconnected (it resumes).</summary>
    public int SubscriberBuffer { get; set; } = 1000;
    /// <summary>Events per database read, for the fan-out (per organisation) and for a resuming client's replay.</summary>
    public int ReadBatchSize { get; set; } = 500;
    /// <summary>Open streams one person may hold on one server; one more ends the oldest (`: end too_many_streams`).</summary>
    public int MaxStreamsPerPerson { get; set; } = 10;
    /// <summary>How often the server checks that every streaming person is still in their organisation (one query for all).</summary>
    public TimeSpan AccessCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The `retry:` (milliseconds) every stream starts with.</summary>
    public int ClientRetryMilliseconds { get; set; } = 1000;

    public static StreamOptions FromConfiguration(IConfiguration config)
    {
        var o = config.GetSection("Events").Get<StreamOptions>() ?? new StreamOptions();
        if (o.RetentionDays < 1) throw new InvalidOperationException("Events:RetentionDays must be at least 1.");
        if (o.HeartbeatInterval <= TimeSpan.Zero || o.HeartbeatInterval > TimeSpan.FromSeconds(15))
            throw new InvalidOperationException("Events:HeartbeatInterval must be positive and at most 15 seconds.");
        if (o.CatchUpInterval <= TimeSpan.Zero) throw new InvalidOperationException("Events:CatchUpInterval must be positive.");
        if (o.SubscriberBuffer < 1) throw new InvalidOperationException("Events:SubscriberBuffer must be at least 1.");
        if (o.ReadBatchSize < 1) throw new InvalidOperationException("Events:ReadBatchSize must be at least 1.");
        if (o.MaxStreamsPerPerson < 1) throw new InvalidOperationException("Events:MaxStreamsPerPerson must be at least 1.");
        if (o.AccessCheckInterval <= TimeSpan.Zero || o.AccessCheckInterval > TimeSpan.FromSeconds(30))
            throw new InvalidOperationException("Events:AccessCheckInterval must be positive and at most 30 seconds.");
        return o;
    }
}
