using System.Collections.Concurrent;
using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Likeperson.Tests.Notifications;

/// <summary>The server with push through FCM pointed at a fake FCM on loopback, and its warnings captured.</summary>
public class PushServer : TestServer, IAsyncLifetime
{
    public FakeFcm Fcm { get; private set; } = null!;
    public LogCollector Logs { get; } = new();

    protected virtual string FcmEndpoint => Fcm.BaseAddress.ToString();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Push:Provider"] = "fcm",
        ["Push:Fcm:ServiceAccountFile"] = Fcm.ServiceAccountFile,
        ["Push:Fcm:Endpoint"] = FcmEndpoint,
        ["Push:Fcm:MaxRetries"] = "2",
        ["Push:Fcm:RetryBaseDelay"] = "00:00:00.050",
        ["Push:Fcm:MaxRetryDelay"] = "00:00:05",
        ["Notifications:PollInterval"] = "00:00:01",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    async Task IAsyncLifetime.InitializeAsync()
    {
        Fcm = await FakeFcm.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Fcm.DisposeAsync();
    }
}

/// <summary>FCM unreachable (nothing listens on the endpoint): every send fails after its retries.</summary>
public sealed class FcmDownServer : PushServer
{
    protected override string FcmEndpoint => "http://127.0.0.1:9/";
}

/// <summary>Background loops off, so a test can play the dispatcher and sender step by step (and "crash" between steps).</summary>
public sealed class ManualPushServer : PushServer
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Notifications:DispatcherEnabled"] = "false",
        ["Notifications:SenderEnabled"] = "false",
    };

    /// <summary>Another instance on the same database with the loops on: the restart after a crash.</summary>
    public Task<WebApplication> RestartAsync() => StartAsync(new Dictionary<string, string?>
    {
        ["Notifications:DispatcherEnabled"] = "true",
        ["Notifications:SenderEnabled"] = "true",
    });
}

/// <summary>Captures log entries at Warning and above (the structured warnings are part of the contract).</summary>
public sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, IReadOnlyDictionary<string, object?> State)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, object?>();
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception), values));
        }
    }
}
