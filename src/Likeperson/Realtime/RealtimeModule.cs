namespace Likeperson.Realtime;

/// <summary>Registers the event stream: options, hub, reads, the fan-out service, the endpoint and the metrics.</summary>
public static class RealtimeModule
{
    public static IServiceCollection AddEventStream(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(StreamOptions.FromConfiguration(config));
        services.AddSingleton<StreamMetrics>();
        services.AddSingleton<StreamHub>();
        services.AddSingleton<StreamReads>();
        services.AddHostedService<StreamFanOut>();
        return services;
    }

    public static void MapEventStream(this RouteGroupBuilder api) => api.MapEventsApi();

    /// <summary>`GET /metrics` (Prometheus text, no token: counts only, nothing about anyone).</summary>
    public static void MapStreamMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", (StreamMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Operations").WithSummary("Prometheus metrics of this instance (event-stream subscribers, queries, deliveries).");
}
