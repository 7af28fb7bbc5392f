namespace Likeperson.Notifications;

/// <summary>Registers the notification feature: dispatcher, push sender (FCM when configured, Web Push always), listener and endpoints.</summary>
public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration config)
    {
        var push = PushOptions.FromConfiguration(config);
        services.AddSingleton(push);
        services.AddSingleton(NotificationOptions.FromConfiguration(config));
        services.AddSingleton<NotificationWriter>();
        services.AddSingleton<OutboxDispatch>();
        services.AddSingleton<NotificationWakeups>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<VapidKeys>();
        services.AddSingleton<WebPushClient>();
        if (push.Enabled) services.AddSingleton<FcmClient>();
        // Web Push works whatever Push:Provider says, so the sender always runs (Notifications:SenderEnabled aside).
        services.AddSingleton<PushSender>();
        services.AddHostedService(sp => sp.GetRequiredService<PushSender>());
        return services;
    }

    public static void MapNotificationFeature(this RouteGroupBuilder api)
    {
        api.MapNotificationsApi();
        api.MapMeApi();
        api.MapWebPushApi();
        api.MapPauseLogApi();
    }
}
