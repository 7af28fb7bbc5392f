using Likeperson.Realtime;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry.Resources;

namespace Likeperson.Operations;

/// <summary>
/// Metrics through OpenTelemetry: this app's meter (stream, outbox, jobs), ASP.NET Core's and Kestrel's, Npgsql's and the
/// .NET runtime's, exported as Prometheus text at `GET /metrics` (unless `Operations:Metrics` is off) and to an OTLP
/// collector when `Operations:Otlp:Endpoint` is set (with traces of requests and Npgsql commands too).
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        var options = OperationsOptions.FromConfiguration(config, env);
        services.AddSingleton(options);
        services.AddSingleton<OperatorAccess>();
        services.AddSingleton<WorkMetrics>();
        // The app's meter through the hosting's metrics rules, scoped Local: each server exports its own instruments only,
        // even when several run in one process (tests); an AddMeter subscription would take every "Likeperson" meter alive.
        // ASP.NET Core's and Kestrel's meters ("Microsoft.AspNetCore.*", what AddAspNetCoreInstrumentation would subscribe) likewise.
        services.AddMetrics(b => b.EnableMetrics(StreamMetrics.MeterName, null, null, MeterScope.Local)
            .EnableMetrics("Microsoft.AspNetCore", null, null, MeterScope.Local));
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("likeperson"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("Npgsql", "System.Runtime"); // process-wide meters: one each, whoever listens
                if (options.Metrics != ExposureMode.Off)
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0); // a scrape is cheap; tests read exact values
                if (options.OtlpEndpoint is not null)
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        Collector(exporter, options, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpExportInterval.TotalMilliseconds;
                    });
            });
        if (options.OtlpEndpoint is not null) // traces have no pull endpoint: only with a collector
            services.AddOpenTelemetry().WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation().AddSource("Npgsql").AddOtlpExporter(o => Collector(o, options, "v1/traces")));
        return services;
    }

    // Over HTTP an endpoint set in code is used as it is, so the signal's path is added here (gRPC needs none).
    private static void Collector(OtlpExporterOptions o, OperationsOptions options, string signalPath)
    {
        o.Protocol = options.OtlpHttp ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        o.Endpoint = options.OtlpHttp ? new Uri(options.OtlpEndpoint!.ToString().TrimEnd('/') + "/" + signalPath) : options.OtlpEndpoint!;
    }

    /// <summary>`GET /metrics` (Prometheus text), behind <see cref="OperatorAccess.UseOperationsExposure"/>.</summary>
    public static void MapMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<OperationsOptions>().Metrics != ExposureMode.Off)
            app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
