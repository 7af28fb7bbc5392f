namespace Likeperson.Operations;

/// <summary>Who may read an operations endpoint: anyone, nobody (404), or an operator (see <see cref="OperatorAccess"/>).</summary>
public enum ExposureMode { On, Off, Token }

/// <summary>
/// `Operations:*`: which operations endpoints answer, and to whom. In Development and Testing everything is on; elsewhere
/// `/metrics` and `/openapi` need an operator's credential and the Swagger UI is off, unless configured otherwise.
/// </summary>
public sealed class OperationsOptions
{
    public required ExposureMode Metrics { get; init; }
    public required ExposureMode OpenApi { get; init; }
    public required ExposureMode SwaggerUi { get; init; }
    /// <summary>A shared secret a scraper sends as `Authorization: Bearer …` to `token` endpoints (besides system admins' tokens).</summary>
    public string? AccessToken { get; init; }
    /// <summary>An OTLP collector (e.g. `http://collector:4317`) metrics are pushed to as well; empty for none.</summary>
    public Uri? OtlpEndpoint { get; init; }
    /// <summary>`grpc` (port 4317) or `http/protobuf` (port 4318; the signal's path `/v1/metrics`, `/v1/traces` is added).</summary>
    public bool OtlpHttp { get; init; }
    /// <summary>How often metrics are pushed to the collector.</summary>
    public TimeSpan OtlpExportInterval { get; init; } = TimeSpan.FromMinutes(1);

    public static OperationsOptions FromConfiguration(IConfiguration config, IHostEnvironment env)
    {
        var open = env.IsDevelopment() || env.IsEnvironment("Testing");
        var token = config["Operations:AccessToken"];
        if (token is { Length: > 0 and < 32 })
            throw new InvalidOperationException("Operations:AccessToken must be at least 32 characters long (or left empty).");
        var otlp = config["Operations:Otlp:Endpoint"];
        var protocol = config["Operations:Otlp:Protocol"] ?? "grpc";
        if (protocol is not ("grpc" or "http/protobuf"))
            throw new InvalidOperationException($"Operations:Otlp:Protocol must be grpc or http/protobuf, not '{protocol}'.");
        var interval = config.GetValue("Operations:Otlp:ExportInterval", TimeSpan.FromMinutes(1));
        if (interval < TimeSpan.FromMilliseconds(100))
            throw new InvalidOperationException("Operations:Otlp:ExportInterval must be at least 00:00:00.1.");
        return new OperationsOptions
        {
            Metrics = Mode(config, "Operations:Metrics", open ? ExposureMode.On : ExposureMode.Token),
            OpenApi = Mode(config, "Operations:OpenApi", open ? ExposureMode.On : ExposureMode.Token),
            SwaggerUi = Mode(config, "Operations:SwaggerUi", open ? ExposureMode.On : ExposureMode.Off),
            AccessToken = string.IsNullOrEmpty(token) ? null : token,
            OtlpEndpoint = string.IsNullOrEmpty(otlp) ? null
                : Uri.TryCreate(otlp, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
                : throw new InvalidOperationException($"Operations:Otlp:Endpoint must be an absolute http(s) URL, not '{otlp}'."),
            OtlpHttp = protocol == "http/protobuf",
            OtlpExportInterval = interval,
        };
    }

    private static ExposureMode Mode(IConfiguration config, string key, ExposureMode fallback) => config[key] switch
    {
        null or "" => fallback,
        var v when Enum.TryParse<ExposureMode>(v, ignoreCase: true, out var m) && !int.TryParse(v, out _) => m,
        var v => throw new InvalidOperationException($"{key} must be on, off or token, not '{v}'."),
    };
}
