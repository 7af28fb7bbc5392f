using System.Net.Http.Headers;
using Likeperson.Database;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Likeperson.Bench;

/// <summary>The real server (Kestrel on a loopback port, the composition root the tests and production use) on one database.</summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    // One connection pool for every client of this server, as a load balancer or many app instances would look.
    private readonly SocketsHttpHandler _handler = new()
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
    };
    private readonly BenchContext _ctx;

    private BenchServer(WebApplication app, Uri baseAddress, BenchContext ctx) { _app = app; BaseAddress = baseAddress; _ctx = ctx; }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;

    internal static async Task<BenchServer> StartAsync(BenchContext ctx, DatabaseConnections db, IDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Likeperson"] = db.Application,
            ["ConnectionStrings:LikepersonWorker"] = db.Worker,
            ["ConnectionStrings:LikepersonOwner"] = db.Owner,
            ["Auth:JwtSecret"] = BenchContext.JwtSecret,
            ["Jobs:Schedule:Enabled"] = "false",
            ["Limits:WritesPerMinute"] = "1000000", // a simulated person writes far more than a person would
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        var app = await LikepersonApp.BuildAsync(["--urls", "http://127.0.0.1:0", "--environment", "Benchmark"],
            builder => builder.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchServer(app, new Uri(address), ctx);
    }

    /// <summary>An HTTP client acting as this person (a fresh bearer token), sharing the server's connection pool.</summary>
    public HttpClient As(Guid personId)
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _ctx.Token(personId));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _handler.Dispose();
    }
}
