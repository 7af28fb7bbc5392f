using System.Text.Json;
using Dapper;
using Likeperson.Jobs;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;
using Likeperson.Tests.Notifications;

namespace Likeperson.Tests.Jobs;

/// <summary>Manual runs racing each other (and the scheduler) through real parallel requests: the effects happen once (and a run
/// that overlaps another manual run of the job is refused).</summary>
public sealed class JobConcurrencyTests(JobServer server) : IClassFixture<JobServer>
{
    private readonly World _world = new(server.Worker);

    /// <summary>The runs that got to run: a request while another manual run of the job is running is 409 job_running.</summary>
    private async Task<List<JsonElement>> RunInParallelAsync(Guid person, string job, int count)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => server.As(person).PostAsync($"/api/v1/jobs/{job}/run", null)));
        foreach (var refused in responses.Where(r => (int)r.StatusCode == 409)) await refused.ProblemAsync(409, "job_running");
        var ran = new List<JsonElement>();
        foreach (var r in responses.Where(r => (int)r.StatusCode != 409)) ran.Add(await r.ReadAsync<JsonElement>());
        Assert.NotEmpty(ran);
        return ran;
    }

    [Fact]
    public async Task CertificationExpiry_ParallelRuns_EachMentorPausedOnce()
    {
        var org = await server.OrgAsync(_world);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = '2026-11-01' WHERE organization_id = @Id", org);
        var runs = await RunInParallelAsync(org.CoordinatorA, JobNames.CertificationExpiry, 4);
        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(3, runs.Sum(r => r.GetProperty("stats").GetProperty("paused").GetInt32()));
        foreach (var m in new[] { org.MentorA, org.MentorA2, org.MentorB })
        {
            Assert.Single(await server.Worker.LogAsync(m));
            await server.Worker.AssertConsistentAsync(m);
        }
    }

    [Fact]
    public async Task FollowUpsAndDigest_ParallelRuns_OneNoticeAndOneDigest()
    {
        var org = await server.OrgAsync(_world);
        await server.AssignmentAsync(org, org.MentorA, org.ContactA, server.Clock.Now.AddDays(-25));
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("INSERT INTO notification_preferences (person_id, organization_id, type, mode) VALUES (@CoordinatorB, @Id, 'mentor_paused', 'digest')", org);
        var outbox = new Outbox(server.Worker);
        await outbox.SettledAsync(await outbox.StatusChangedAsync(org.Id, org.MentorB, "pause", "active", "paused", org.MentorB, displayName: "Mentor B"));

        var followUps = await RunInParallelAsync(org.Admin, JobNames.FollowUpReminders, 4);
        Assert.Equal((1, 1), (followUps.Sum(r => r.GetProperty("stats").GetProperty("reminders").GetInt32()),
            followUps.Sum(r => r.GetProperty("stats").GetProperty("escalations").GetInt32())));
        Assert.Equal(2, (await server.OutboxAsync(org.Id)).Count);

        var digests = await RunInParallelAsync(org.Admin, JobNames.PauseDigest, 4);
        Assert.All(digests, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Single(await server.NotificationsAsync(org.Id, "pause_digest"));
    }
}
