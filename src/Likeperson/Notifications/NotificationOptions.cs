namespace Likeperson.Notifications;

/// <summary>`Push:*`: whether and how push messages leave the server.</summary>
public sealed class PushOptions
{
    /// <summary>`none` (in-app only: no push rows are created) or `fcm`.</summary>
    public string Provider { get; set; } = "none";
    public FcmOptions Fcm { get; set; } = new();
    /// <summary>Web Push to the installable web app's browsers: on whatever <see cref="Provider"/> says.</summary>
    public WebPushOptions WebPush { get; set; } = new();

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
        options.WebPush.Validate();
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

/// <summary>`Push:WebPush:*`: standard Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291).</summary>
public sealed class WebPushOptions
{
    /// <summary>The contact push services may use (RFC 8292 `sub`): a `mailto:` address or an `https:` URL.</summary>
    public string Subject { get; set; } = "mailto:webpush@likeperson.invalid";
    /// <summary>The VAPID public key (base64url, 65-byte uncompressed P-256 point); with <see cref="PrivateKey"/>, or neither (then generated once, kept in the database).</summary>
    public string? PublicKey { get; set; }
    /// <summary>The VAPID private key (base64url, 32 bytes).</summary>
    public string? PrivateKey { get; set; }
    /// <summary>Accept plain-http push-service endpoints (tests; never in production).</summary>
    public bool AllowHttpEndpoints { get; set; }
    /// <summary>How long a push service keeps a message for a browser that is offline (the `TTL` header).</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);

    public void Validate()
    {
        if (!Subject.StartsWith("mailto:", StringComparison.Ordinal) && !Subject.StartsWith("https:", StringComparison.Ordinal))
            throw new Likeperson.Database.StartupException($"Push:WebPush:Subject must be a mailto: address or an https: URL, not '{Subject}'.");
        if (string.IsNullOrEmpty(PublicKey) != string.IsNullOrEmpty(PrivateKey))
            throw new Likeperson.Database.StartupException("Set both Push:WebPush:PublicKey and Push:WebPush:PrivateKey, or neither (a key pair is then generated and kept in the database).");
        if (!string.IsNullOrEmpty(PublicKey) && !VapidKeys.IsValidPair(PublicKey, PrivateKey!))
            throw new Likeperson.Database.StartupException("Push:WebPush:PublicKey/PrivateKey are not a VAPID key pair: base64url of a 65-byte uncompressed P-256 point and of its 32-byte private key.");
        if (TimeToLive < TimeSpan.Zero || TimeToLive > TimeSpan.FromDays(28))
            throw new Likeperson.Database.StartupException("Push:WebPush:TimeToLive must be between 00:00:00 and 28.00:00:00.");
    }
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
