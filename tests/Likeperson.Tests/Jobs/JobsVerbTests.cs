using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Jobs;

/// <summary>The operator's verb `jobs run NAME [--org ID]` against the test database.</summary>
public sealed class JobsVerbTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private string[] HostArgs =>
    [
        $"--ConnectionStrings:Likeperson={server.Database.Application}", $"--ConnectionStrings:LikepersonWorker={server.Database.Worker}",
        $"--ConnectionStrings:LikepersonOwner={server.Database.Owner}", $"--Auth:JwtSecret={TestServer.JwtSecret}",
        "--Logging:LogLevel:Default=Warning",
    ];

    private async Task<List<(string Job, string Trigger, string Status)>> RunsAsync(Guid? org)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string, string)>(
            "SELECT job, trigger, status FROM job_runs WHERE organization_id IS NOT DISTINCT FROM @org ORDER BY started_at", new { org })).ToList();
    }

    [Fact]
    public async Task JobsRun_WithOrg_RunsThatOrganisationOnly_Manual()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        Assert.Equal(0, await JobsVerb.RunAsync(["run", "reconciliation", "--org", org.Id.ToString(), .. HostArgs]));
        Assert.Equal([("reconciliation", "manual", "succeeded")], await RunsAsync(org.Id));
        Assert.Empty(await RunsAsync(other.Id));
    }

    [Fact]
    public async Task JobsRun_WithoutOrg_RunsEveryOrganisation_RetentionOnceGlobally()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        Assert.Equal(0, await JobsVerb.RunAsync(["run", "follow-up-reminders", .. HostArgs]));
        Assert.Single(await RunsAsync(org.Id));
        Assert.Single(await RunsAsync(other.Id));
        Assert.Equal(0, await JobsVerb.RunAsync(["run", "retention", .. HostArgs]));
        Assert.Contains(("retention", "manual", "succeeded"), await RunsAsync(null));
    }

    [Fact]
    public async Task JobsRun_BadArguments_ExitCode2()
    {
        Assert.Equal(2, await JobsVerb.RunAsync(["run"]));
        Assert.Equal(2, await JobsVerb.RunAsync(["run", "reconciliation", "--org", "nope"]));
        Assert.Equal(2, await JobsVerb.RunAsync(["run", "nightly", .. HostArgs]));
    }
}
