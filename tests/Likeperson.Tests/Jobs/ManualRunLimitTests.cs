using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Likeperson.Database;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Jobs;

/// <summary>
/// One manual run of a job per organisation at a time, and manual runs stop when their instance shuts down. A run is
/// held in progress by a test transaction that locks a due mentor's row, which certification-expiry must lock to pause.
/// </summary>
public sealed class ManualRunLimitTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);

    private static string RunUrl => $"/api/v1/jobs/{JobNames.CertificationExpiry}/run";

    /// <summary>An organisation whose mentor A is due for an auto-pause, and a transaction holding that mentor's row.</summary>
    private async Task<(Org Org, NpgsqlConnection Lock, NpgsqlTransaction Tx)> BlockedOrgAsync()
    {
        var org = await server.OrgAsync(_world);
        var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = '2026-11-01' WHERE id = @MentorA", org);
        var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("SELECT 1 FROM peer_mentors WHERE id = @MentorA FOR UPDATE", org, tx);
        return (org, conn, tx);
    }

    private async Task<JobRunResponse> RunningAsync(Guid org)
    {
        for (var i = 0; i < 300; i++)
        {
            if ((await server.RunsOfAsync(org)).FirstOrDefault(r => r.Status == JobStatus.Running) is { } run) return run;
            await Task.Delay(100);
        }
        throw new TimeoutException("The manual run never started.");
    }

    [Fact]
    public async Task ManualRun_WhileOneRunsForTheOrganisation_Is409JobRunning()
    {
        var (org, conn, tx) = await BlockedOrgAsync();
        await using var _ = conn;
        var first = server.As(org.Admin).PostAsync(RunUrl, null);
        await RunningAsync(org.Id);

        var refused = await (await server.As(org.CoordinatorA).PostAsync(RunUrl, null)).ProblemAsync(409, "job_running");
        Assert.Contains("already running", refused.GetProperty("detail").GetString());
        var other = await server.OrgAsync(_world); // another organisation is not held up
        Assert.Equal("succeeded", (await (await server.As(other.Admin).PostAsync(RunUrl, null)).ReadAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Single(await server.RunsOfAsync(org.Id)); // the refusal recorded nothing

        await tx.RollbackAsync();
        var run = await (await first).ReadAsync<JsonElement>();
        Assert.Equal(("succeeded", 1), (run.GetProperty("status").GetString(), run.GetProperty("stats").GetProperty("paused").GetInt32()));
        Assert.Equal("succeeded", (await (await server.As(org.Admin).PostAsync(RunUrl, null)).ReadAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ManualRun_AfterARunLeftRunningLongerThanStuckAfter_FailsTheOldOneAndRuns()
    {
        var org = await server.OrgAsync(_world);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO job_runs (job, organization_id, trigger, status, started_at)
                VALUES ('certification-expiry', @Id, 'manual', 'running', @startedAt)
                """, new { org.Id, startedAt = server.Clock.Now.AddHours(-3) });

        var run = await (await server.As(org.Admin).PostAsync(RunUrl, null)).ReadAsync<JsonElement>();
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var abandoned = (await server.RunsOfAsync(org.Id)).First();
        Assert.Equal(JobStatus.Failed, abandoned.Status);
        Assert.StartsWith("Interrupted", abandoned.Error);
    }

    [Fact]
    public async Task ManualRun_InstanceShutsDown_StopsTheRunAndRecordsItInterrupted()
    {
        var (org, conn, tx) = await BlockedOrgAsync();
        await using var _ = conn;
        var instance = await server.StartAsync();
        var client = new HttpClient { BaseAddress = TestServer.AddressOf(instance) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(org.Admin.ToString()));
        var request = client.PostAsync(RunUrl, null);
        var running = await RunningAsync(org.Id);

        var stop = instance.StopAsync();
        Assert.Same(stop, await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20)))); // shutdown does not wait for the lock
        var run = Assert.Single(await server.RunsOfAsync(org.Id));
        Assert.Equal((running.RunId, JobStatus.Failed), (run.RunId, run.Status));
        Assert.StartsWith("Interrupted", run.Error);

        await tx.RollbackAsync();
        try { await request; } catch (HttpRequestException) { } // the answer may or may not have made it out
        var pools = new[] { instance.Services.GetRequiredService<AppDataSource>().Source, instance.Services.GetRequiredService<WorkerDataSource>().Source };
        await instance.DisposeAsync();
        foreach (var pool in pools) await pool.DisposeAsync();
        await using var check = await server.Worker.OpenConnectionAsync();
        Assert.Equal("active", await check.ExecuteScalarAsync<string>("SELECT status FROM peer_mentors WHERE id = @MentorA", org));
    }
}
