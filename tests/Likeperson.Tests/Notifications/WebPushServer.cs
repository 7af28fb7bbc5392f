using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Likeperson.Tests.Notifications;

/// <summary>
/// The server with a fake push service on loopback (plain http endpoints allowed) and a fake FCM: one push channel to
/// both. <see cref="WebPushOnlyServer"/> leaves Push:Provider at none: Web Push must work all the same.
/// </summary>
public class WebPushServer : TestServer, IAsyncLifetime
{
    public FakeFcm Fcm { get; private set; } = null!;
    public FakePushService PushService { get; private set; } = null!;
    public LogCollector Logs { get; } = new();

    protected virtual bool WithFcm => true;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Push:WebPush:AllowHttpEndpoints"] = "true",
                ["Push:WebPush:Subject"] = "mailto:coordinators@example.org",
                ["Push:Fcm:MaxRetries"] = "2",
                ["Push:Fcm:RetryBaseDelay"] = "00:00:00.050",
                ["Push:Fcm:MaxRetryDelay"] = "00:00:05",
                ["Notifications:PollInterval"] = "00:00:01",
            };
            if (WithFcm)
            {
                settings["Push:Provider"] = "fcm";
                settings["Push:Fcm:ServiceAccountFile"] = Fcm.ServiceAccountFile;
                settings["Push:Fcm:Endpoint"] = Fcm.BaseAddress.ToString();
            }
            return settings;
        }
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    async Task IAsyncLifetime.InitializeAsync()
    {
        Fcm = await FakeFcm.StartAsync();
        PushService = await FakePushService.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await PushService.DisposeAsync();
        await Fcm.DisposeAsync();
    }
}

public sealed class WebPushOnlyServer : WebPushServer
{
    protected override bool WithFcm => false;
}
