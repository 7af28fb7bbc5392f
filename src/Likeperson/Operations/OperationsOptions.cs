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

    public static OperationsOptions FromConfiguration(IConfiguration config, IHostEnvironment env)
    {
        var open = env.IsDevelopment() || env.IsEnvironment("Testing");
        var token = config["Operations:AccessToken"];
        if (token is { Length: > 0 and < 32 })
            throw new InvalidOperationException("Operations:AccessToken must be at least 32 characters long (or left empty).");
        var otlp = config["Operations:Otlp:Endpoint"];
        return new OperationsOptions
        {
            Metrics = Mode(config, "Operations:Metrics", open ? ExposureMode.On : ExposureMode.Token),
            OpenApi = Mode(config, "Operations:OpenApi", open ? ExposureMode.On : ExposureMode.Token),
            SwaggerUi = Mode(config, "Operations:SwaggerUi", open ? ExposureMode.On : ExposureMode.Off),
            AccessToken = string.IsNullOrEmpty(token) ? null : token,
            OtlpEndpoint = string.IsNullOrEmpty(otlp) ? null
                : Uri.TryCreate(otlp, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
                : throw new InvalidOperationException($"Operations:Otlp:Endpoint must be an absolute http(s) URL, not '{otlp}'."),
        };
    }

    private static ExposureMode Mode(IConfiguration config, string key, ExposureMode fallback) => config[key] switch
    {
        null or "" => fallback,
        var v when Enum.TryParse<ExposureMode>(v, ignoreCase: true, out var m) && !int.TryParse(v, out _) => m,
        var v => throw new InvalidOperationException($"{key} must be on, off or token, not '{v}'."),
    };
}
