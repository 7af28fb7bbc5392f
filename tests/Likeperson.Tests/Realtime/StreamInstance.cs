using Likeperson.Database;
using Likeperson.Realtime;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Realtime;

/// <summary>Another server instance on the fixture's database (its own listener, hub and metrics), stopped and closed on dispose.</summary>
public sealed class StreamInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StreamInstance(WebApplication app) => _app = app;

    public static async Task<StreamInstance> StartAsync(TestServer server, IDictionary<string, string?>? settings = null) =>
        new(await server.StartAsync(settings));

    public StreamMetrics Metrics => _app.Services.GetRequiredService<StreamMetrics>();

    /// <summary>Stops the instance as SIGTERM would (ApplicationStopping, then the server drains its requests).</summary>
    public Task StopAsync() => _app.StopAsync();

    public HttpClient Client(HttpClient like)
    {
        var client = new HttpClient(new NoServerErrors()) { BaseAddress = TestServer.AddressOf(_app) };
        client.DefaultRequestHeaders.Authorization = like.DefaultRequestHeaders.Authorization;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        var pools = new[] { _app.Services.GetRequiredService<AppDataSource>().Source, _app.Services.GetRequiredService<WorkerDataSource>().Source };
        // Stopped first, as a real shutdown: disposing alone leaves its background loops (the outbox dispatcher) running
        // until they notice, and they may claim the next test's rows.
        using (var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            await _app.StopAsync(bounded.Token);
        await _app.DisposeAsync();
        foreach (var pool in pools) await pool.DisposeAsync();
    }
}
