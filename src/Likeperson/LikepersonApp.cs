using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Demo;
using Likeperson.Jobs;
using Likeperson.Mentors;
using Likeperson.Notifications;
using Likeperson.Operations;
using Likeperson.Organizations;
using Likeperson.Realtime;
using Likeperson.Reports;
using Likeperson.Web;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Likeperson;

/// <summary>The composition root: services, middleware and every feature's endpoints. Tests build the same app.</summary>
public static class LikepersonApp
{
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var builder = WebApplication.CreateBuilder(args);
        customize?.Invoke(builder);
        var config = builder.Configuration;

        // A failed start is one line from Program.cs; the host's own "Hosting failed to start" would add a stack trace.
        var started = new System.Runtime.CompilerServices.StrongBox<bool>();
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Warning && (started.Value || level < LogLevel.Error));

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System); // Try: tests replace the clock before this runs
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedPostgresLifetime>()); // first, so it stops last
        // The options are read (and checked) before the database starts, so a bad value fails at once.
        var auth = AuthSettings.FromConfiguration(config, builder.Environment);
        services.AddSingleton(auth);
        services.AddScoped<OrgAccess>();
        services.AddNotifications(config);
        services.AddJobs(config);
        services.AddWebUi(config);
        services.AddProductionSessions(config, builder.Environment);
        services.AddEventStream(config);
        services.AddTelemetry(config, builder.Environment);

        using var startupLoggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var startupLog = startupLoggers.CreateLogger("Likeperson.Startup");
        var (connections, embedded) = await DatabaseStartup.PrepareAsync(config, startupLog);
        services.AddSingleton(new EmbeddedPostgresLifetime(embedded));
        services.AddSingleton(new AppDataSource(DatabaseStartup.DataSource(connections.Application, "likeperson", autoPrepare: true)));
        services.AddSingleton(new WorkerDataSource(DatabaseStartup.DataSource(connections.Worker, "likeperson-worker")));
        services.AddSingleton<Db>();
        services.AddSingleton<DatabaseListener>(); // the one LISTEN connection: stream fan-out and notification wake-ups
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseListener>());

        services.AddBearerAuthentication(auth).AddProviderSignIn(auth);
        services.AddAuthorization();
        services.AddWriteRateLimit(config);
        services.AddSingleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, ProblemWriter>(); // before AddProblemDetails: the one chosen
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => SnakeCase.Configure(o.SerializerOptions));
        services.AddOpenApi(ApiDocs.Configure);

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => started.Value = true);
        if (config.GetValue<bool>("Demo:Seed"))
        {
            await DemoData.EnsureAsync(app.Services.GetRequiredService<WorkerDataSource>().Source);
            app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
                DemoApi.SignInHelp(app.Urls.FirstOrDefault() ?? "http://127.0.0.1:5080")));
        }
        app.UseProductionSessions(); // first: the proxy's scheme and address (ForwardedHeaders:*), HSTS
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        OperatorAccess.UseOperationsExposure(app); // /metrics, /openapi, /swagger: on, off or operators only (Operations:*)
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseJsonBodyGate();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o => { o.SwaggerEndpoint("/openapi/v1.json", "Likeperson API v1"); o.RoutePrefix = "swagger"; });
        app.MapHealthApi();
        app.MapMetrics();

        var api = app.MapGroup("/api/v1").DeclareCommonProblems();
        api.MapOrganizationsApi();
        api.MapPeopleApi();
        api.MapInvitationsApi();
        api.MapContactsApi();
        api.MapMentorsApi();
        api.MapChapterFeedApi();
        api.MapNotificationFeature();
        api.MapAssignmentsApi();
        api.MapJobsApi();
        api.MapReportsApi();
        app.MapWebUi(api);
        api.MapEventStream();
        if (app.Environment.IsDevelopment())
            api.MapDemoApi();
        return app;
    }
}
