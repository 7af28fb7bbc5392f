namespace Likeperson.Notifications;

/// <summary>`Push:*`: whether and how push messages leave the server.</summary>
public sealed class PushOptions
{
    /// <summary>`none` (in-app only: no push rows are created) or `fcm`.</summary>
    public string Provider { get; set; } = "none";
    public FcmOptions Fcm { get; set; } = new();

    public bool Enabled => Provider.Equals("fcm", StringComparison.OrdinalIgnoreCase);

    public static PushOptions FromConfiguration(IConfiguration config)
    {
        var options = config.GetSection("Push").Get<PushOptions>() ?? new PushOptions();
        if (!options.Enabled && !options.Provider.Equals("none", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Push:Provider must be 'none' or 'fcm', not '{options.Provider}'.");
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Fcm.ServiceAccountFile))
            throw new InvalidOperationException("Push:Provider is 'fcm' but Push:Fcm:ServiceAccountFile is not set.");
        if (options.Enabled)
            FcmClient.ReadServiceAccount(options.Fcm.ServiceAccountFile!); // at start-up, not at the first push
        return options;
    }
}

/// <summary>`Push:Fcm:*`: the FCM HTTP v1 client.</summary>
public sealed class FcmOptions
{
    /// <summary>Google service-account JSON; its `project_id` and `token_uri` are used.</summary>
    public string? ServiceAccountFile { get; set; }
    public string Endpoint { get; set; } = "https://fcm.googleapis.com";
    /// <summary>Push notifications in flight at once per server instance.</summary>
    public int Concurrency { get; set; } = 64;
    /// <summary>Retries of one message after 429/500/502/503/504 or a network error.</summary>
    public int MaxRetries { get; set; } = 4;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>The longest wait between retries; a `Retry-After` beyond it ends the retries (the row fails).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>How long a claimed push row is reserved for its sender; an instance that dies mid-send releases it by expiry.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Claims of one row before it is failed (bounds resends after crashes).</summary>
    public int MaxClaims { get; set; } = 5;
}

/// <summary>`Notifications:*`: the background loops of this instance.</summary>
public sealed class NotificationOptions
{
    public bool DispatcherEnabled { get; set; } = true;
    public bool SenderEnabled { get; set; } = true;
    /// <summary>Safety-net polling; LISTEN/NOTIFY wakes the loops at once in the normal case.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Outbox rows one dispatcher transaction claims and dispatches together.</summary>
    public int DispatchBatchSize { get; set; } = 200;
    /// <summary>Dispatcher loops per instance; a loop that claims a full batch wakes another, so a backlog is worked on in parallel.</summary>
    public int DispatchConcurrency { get; set; } = 2;
    /// <summary>Failed dispatches of one outbox row before it is set aside (processed, with last_error).</summary>
    public int MaxDispatchAttempts { get; set; } = 10;

    public static NotificationOptions FromConfiguration(IConfiguration config) =>
        config.GetSection("Notifications").Get<NotificationOptions>() ?? new NotificationOptions();
}
