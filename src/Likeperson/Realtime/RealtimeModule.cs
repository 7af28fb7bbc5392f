namespace Likeperson.Realtime;

/// <summary>Registers the event stream: options, hub, reads, the fan-out service, the endpoint and its metrics (exported by Operations/Telemetry.cs).</summary>
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

}
