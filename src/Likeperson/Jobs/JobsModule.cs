namespace Likeperson.Jobs;

/// <summary>Registers the jobs feature: the jobs, the runner, the scheduler (a hosted service), health checks and endpoints.</summary>
public static class JobsModule
{
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(JobOptions.FromConfiguration(config));
        services.AddSingleton<IJob, CertificationExpiryJob>();
        services.AddSingleton<IJob, FollowUpRemindersJob>();
        services.AddSingleton<IJob, PauseDigestJob>();
        services.AddSingleton<IJob, ReconciliationJob>();
        services.AddSingleton<IJob, RetentionJob>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobHealth>();
        services.AddSingleton<JobScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        return services;
    }
}
