using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace Likeperson.Tests.Infrastructure;

/// <summary>
/// The real server (Kestrel on a loopback port) on a database of its own, as a test class fixture.
/// Tokens are minted with the server's own settings, for any subject.
/// </summary>
public class TestServer : IAsyncLifetime
{
    public const string SystemAdmin = "test-system-admin";
    public const string JwtSecret = "test-secret-for-likeperson-tests-only-0123456789abcdef";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private WebApplication? _app;
    public DatabaseConnections Database { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public AuthSettings Auth => Services.GetRequiredService<AuthSettings>();
    public IServiceProvider Services => _app!.Services;
    public NpgsqlDataSource Worker { get; private set; } = null!;

    /// <summary>Extra configuration for a fixture that needs it (e.g. FCM settings).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>The host environment (Development turns on the demo sign-in and token minting).</summary>
    protected virtual string Environment => "Testing";

    /// <summary>Hook for fixtures that replace services (e.g. the clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services) { }

    public async Task InitializeAsync()
    {
        Database = await TestCluster.CreateDatabaseAsync();
        Worker = NpgsqlDataSource.Create(Database.Worker);
        _app = await StartAsync();
    }

    /// <summary>Starts another instance of the server on the same database (for multi-instance tests).</summary>
    public async Task<WebApplication> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Likeperson"] = Database.Application,
            ["ConnectionStrings:LikepersonWorker"] = Database.Worker,
            ["ConnectionStrings:LikepersonOwner"] = Database.Owner,
            ["Auth:JwtSecret"] = JwtSecret,
            ["Auth:SystemAdmins"] = SystemAdmin,
            ["Jobs:Schedule:Enabled"] = "false",
            ["Limits:WritesPerMinute"] = "1000000", // one person drives hundreds of writes a minute here; RateLimitTests sets its own
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in Settings) settings[k] = v;
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        var app = await LikepersonApp.BuildAsync(["--urls", "http://127.0.0.1:0", "--environment", Environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            ConfigureServices(builder.Services);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        if (_app is null) BaseAddress = new Uri(address);
        return app;
    }

    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public HttpClient Anonymous() => new(new NoServerErrors()) { BaseAddress = BaseAddress };

    public HttpClient As(Guid personId) => As(personId.ToString());

    public HttpClient As(string subject)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(subject));
        return client;
    }

    public HttpClient AsSystemAdmin() => As(SystemAdmin);

    public string Token(string subject) => Auth.Mint(subject, TimeSpan.FromHours(1));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            var pools = new[] { _app.Services.GetRequiredService<AppDataSource>().Source, _app.Services.GetRequiredService<WorkerDataSource>().Source };
            await _app.DisposeAsync();
            foreach (var pool in pools) await pool.DisposeAsync(); // registered as instances, so the container leaves them open
        }
        await Worker.DisposeAsync();
        // SqlAs opens connections by connection string: close this database's idle ones, or a long run exhausts max_connections.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Database.Application));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Database.Worker));
    }
}

/// <summary>Fails the test on any 5xx answer: no request in the suite, however malformed, may produce one.</summary>
public sealed class NoServerErrors() : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        var readinessReport = request.RequestUri?.AbsolutePath == "/readyz"; // its 503 is part of the contract
        if ((int)response.StatusCode >= 500 && !readinessReport)
            throw new Xunit.Sdk.XunitException(
                $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        return response;
    }
}

public static class HttpAssertions
{
    /// <summary>Reads a JSON body, failing with the body text when the status is not the expected one.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, int expectedStatus = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, TestServer.Json)!;
    }

    /// <summary>Asserts a problem response with the given status and code; returns it for further checks.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, TestServer.Json);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}
