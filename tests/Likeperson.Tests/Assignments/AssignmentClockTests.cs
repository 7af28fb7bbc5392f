using Likeperson.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Assignments;

/// <summary>The server's clock, standing still at a known moment (the outside world is the only thing tests fake).</summary>
public sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A server whose TimeProvider is a stopped clock in the past.</summary>
public sealed class StoppedClockServer : TestServer
{
    public StoppedClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>"Now" comes from the application's TimeProvider, not the database's clock.</summary>
public sealed class AssignmentClockTests(StoppedClockServer server) : IClassFixture<StoppedClockServer>
{
    private readonly World _world = new(server.Worker);
    private DateTime Now => server.Clock.Now.UtcDateTime;

    [Fact]
    public async Task Create_TakesCreatedAtAndTheMilestoneTimeFromTheTimeProvider()
    {
        var org = await _world.StandardOrgAsync(honorariumThresholds: [1]);
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        Assert.Equal(Now, a.CreatedAt);
        Assert.Equal(Now, a.HonorariumThresholdTriggered!["threshold_1"]);
        Assert.Equal(Now, (await server.Worker.OutboxAsync(org.Id, "honorarium_threshold_reached")).Single()
            .GetProperty("occurred_at").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task Update_Completing_SetsClosedAtToTheTimeProvidersNow()
    {
        var org = await _world.StandardOrgAsync();
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        var completed = await (await server.As(org.CoordinatorA).PatchJsonAsync(a.Id, """{"status": "completed"}""")).ReadAsync<AssignmentResponse>();
        Assert.Equal(Now, completed.ClosedAt);
    }

    [Fact]
    public async Task RecordActivity_LaterThanTheTimeProvidersNow_Is422EvenWhenThePastForTheDatabase()
    {
        var org = await _world.StandardOrgAsync();
        var a = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        await (await server.As(org.MentorA).RecordActivityAsync(a.Id, server.Clock.Now.AddMinutes(1))).ProblemAsync(422, "validation_failed");

        var activity = await (await server.As(org.MentorA).RecordActivityAsync(a.Id, server.Clock.Now)).ReadAsync<ActivityResponse>(201);
        Assert.Equal((Now, Now), (activity.OccurredAt, activity.CreatedAt));
        Assert.Equal(Now, (await server.As(org.MentorA).GetAssignmentAsync(a.Id)).LastContactDate);
    }
}
