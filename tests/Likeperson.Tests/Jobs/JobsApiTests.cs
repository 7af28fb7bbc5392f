using System.Text.Json;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Jobs;

/// <summary>POST /jobs/{name}/run and GET /jobs/runs: who may do what, and what they answer.</summary>
public sealed class JobsApiTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);

    private static Task<HttpResponseMessage> Run(HttpClient client, string job) => client.PostAsync($"/api/v1/jobs/{job}/run", null);

    [Theory]
    [InlineData("certification-expiry")]
    [InlineData("follow-up-reminders")]
    [InlineData("pause-digest")]
    [InlineData("reconciliation")]
    public async Task Run_AsOrgAdmin_RunsForTheirOrganisationAndAnswersTheFinishedRun(string job)
    {
        var org = await server.OrgAsync(_world);
        var run = await (await Run(server.As(org.Admin), job)).ReadAsync<JsonElement>();
        Assert.Equal(job, run.GetProperty("job").GetString());
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(server.Clock.Now.UtcDateTime, run.GetProperty("started_at").GetDateTime().ToUniversalTime());
        Assert.Equal(server.Clock.Now.UtcDateTime, run.GetProperty("finished_at").GetDateTime().ToUniversalTime());
        Assert.Equal(JsonValueKind.Object, run.GetProperty("stats").ValueKind);
        var recorded = Assert.Single(await server.RunsOfAsync(org.Id));
        Assert.Equal((run.GetProperty("run_id").GetGuid(), JobTrigger.Manual, (Guid?)org.Admin, (DateTime?)null),
            (recorded.RunId, recorded.Trigger, recorded.StartedBy, recorded.Slot));
    }

    [Fact]
    public async Task Run_Roles_CoordinatorsOnlyCertificationExpiry_OthersForbidden_UnknownJob404()
    {
        var org = await server.OrgAsync(_world);
        var coordinator = server.As(org.CoordinatorA);
        Assert.Equal("succeeded", (await (await Run(coordinator, "certification-expiry")).ReadAsync<JsonElement>()).GetProperty("status").GetString());
        foreach (var job in new[] { "follow-up-reminders", "pause-digest", "reconciliation" })
            await (await Run(coordinator, job)).ProblemAsync(403, "forbidden");
        foreach (var job in JobNames.Public)
            await (await Run(server.As(org.MentorA), job)).ProblemAsync(403, "forbidden");
        await (await Run(server.As(org.Admin), "retention")).ProblemAsync(404, "not_found"); // internal
        await (await Run(server.As(org.Admin), "nightly")).ProblemAsync(404, "not_found");
        await (await Run(server.AsSystemAdmin(), "reconciliation")).ProblemAsync(404, "not_found"); // no organisation
        await (await Run(server.Anonymous(), "reconciliation")).ProblemAsync(401, "unauthorized");
        Assert.Single(await server.RunsOfAsync(org.Id)); // only the coordinator's allowed run happened
    }

    [Fact]
    public async Task Runs_ListsTheOrganisationsRunsNewestFirst_FilteredAndPaged_ForCoordinatorsAndAdmins()
    {
        var org = await server.OrgAsync(_world);
        var other = await server.OrgAsync(_world);
        await server.RunAsync(JobNames.Reconciliation, other.Id);
        var started = new List<Guid>();
        foreach (var job in new[] { JobNames.Reconciliation, JobNames.FollowUpReminders, JobNames.Reconciliation })
        {
            server.Clock.Now = server.Clock.Now.AddMinutes(1);
            started.Add((await server.RunAsync(job, org.Id)).RunId);
        }

        var page = await (await server.As(org.Admin).GetAsync("/api/v1/jobs/runs")).ReadAsync<JsonElement>();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Reverse(started), items.Select(i => i.GetProperty("run_id").GetGuid()));
        Assert.Equal("manual", items[0].GetProperty("trigger").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);

        var filtered = await (await server.As(org.CoordinatorB).GetAsync("/api/v1/jobs/runs?job=reconciliation&limit=1")).ReadAsync<JsonElement>();
        Assert.Equal(started[2], filtered.GetProperty("items")[0].GetProperty("run_id").GetGuid());
        var next = await (await server.As(org.CoordinatorB).GetAsync(
            $"/api/v1/jobs/runs?job=reconciliation&limit=1&cursor={filtered.GetProperty("next_cursor").GetString()}")).ReadAsync<JsonElement>();
        Assert.Equal(started[0], next.GetProperty("items")[0].GetProperty("run_id").GetGuid());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("next_cursor").ValueKind);

        await (await server.As(org.MentorA).GetAsync("/api/v1/jobs/runs")).ProblemAsync(403, "forbidden");
        await (await server.As(org.Admin).GetAsync("/api/v1/jobs/runs?job=retention")).ProblemAsync(400, "malformed_request");
        await (await server.As(org.Admin).GetAsync("/api/v1/jobs/runs?limit=0")).ProblemAsync(422, "validation_failed");
    }
}
