using Likeperson.Realtime;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Likeperson.Operations;

/// <summary>
/// Metrics through OpenTelemetry: this app's meter (stream, outbox, jobs), ASP.NET Core's and Kestrel's, Npgsql's and the
/// .NET runtime's, exported as Prometheus text at `GET /metrics` (unless `Operations:Metrics` is off) and to an OTLP
/// collector when `Operations:Otlp:Endpoint` is set.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var options = OperationsOptions.FromConfiguration(config, env);
        services.AddSingleton(options);
        services.AddSingleton<OperatorAccess>();
        services.AddSingleton<WorkMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("likeperson"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(StreamMetrics.MeterName, "Npgsql", "System.Runtime").AddAspNetCoreInstrumentation();
                if (options.Metrics != ExposureMode.Off)
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0); // a scrape is cheap; tests read exact values
                if (options.OtlpEndpoint is { } otlp)
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        return services;
    }

    /// <summary>`GET /metrics` (Prometheus text), behind <see cref="OperatorAccess.UseOperationsExposure"/>.</summary>
    public static void MapMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<OperationsOptions>().Metrics != ExposureMode.Off)
            app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
