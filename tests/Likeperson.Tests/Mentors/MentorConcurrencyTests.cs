using System.Net;
using Dapper;
using Likeperson.Mentors;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Mentors;

/// <summary>Real parallel HTTP requests: exactly one winner per state, the others 409 or 412, and the history stays consistent.</summary>
public sealed class MentorConcurrencyTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> request)
    {
        var gate = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, count).Select(async i => { await gate.Task; return await request(i); }).ToList();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task FiftySimultaneousPauses_ExactlyOneWins()
    {
        var org = await _world.StandardOrgAsync();
        var clients = new[] { server.As(org.MentorA), server.As(org.CoordinatorA), server.As(org.Admin) };
        var responses = await AllAtOnceAsync(50, i => clients[i % 3].TransitionAsync(org.MentorA, "pause", new { reason = $"Pause {i}" }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await loser.ProblemAsync(409, "invalid_transition");
        var state = await server.Worker.StateAsync(org.MentorA);
        Assert.Equal(("paused", 2), (state.Status, state.Version));
        Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task FiftySimultaneousPauses_WithTheSameIfMatch_OneWinsTheRestAre412()
    {
        var org = await _world.StandardOrgAsync();
        var client = server.As(org.CoordinatorA);
        var responses = await AllAtOnceAsync(50, _ => client.TransitionAsync(org.MentorA, "pause", ifMatch: 1));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await loser.ProblemAsync(412, "version_mismatch");
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    [Fact]
    public async Task ReactivateAndDeactivateRace_OneWins()
    {
        var org = await _world.StandardOrgAsync();
        await server.BringToAsync(org, org.MentorA, "paused");
        var responses = await AllAtOnceAsync(20, i => i % 2 == 0
            ? server.As(org.MentorA).TransitionAsync(org.MentorA, "reactivate")
            : server.As(org.CoordinatorA).TransitionAsync(org.MentorA, "deactivate"));
        var winners = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        // Reactivate then deactivate is a legal sequence (active → inactive); deactivate first ends it.
        Assert.InRange(winners, 1, 2);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal("inactive", (await server.Worker.StateAsync(org.MentorA)).Status);
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }

    /// <summary>
    /// Random transitions by mentors, coordinators and admins on a few mentors, some with an
    /// If-Match taken before the storm: each success is a distinct new version, and afterwards every
    /// invariant holds (one live pause at most, the log replays, versions rise by exactly one, no
    /// pause open for an active mentor).
    /// </summary>
    [Fact]
    public async Task StormOfRandomTransitions_LeavesEveryInvariantTrue()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        var mentors = new[] { org.MentorA, org.MentorA2 };
        var transitions = new[] { "pause", "reactivate", "acknowledge", "hold" };
        var random = new Random(20261202);
        var plan = Enumerable.Range(0, 160).Select(_ =>
        {
            var mentor = mentors[random.Next(mentors.Length)];
            var transition = transitions[random.Next(transitions.Length)];
            var actor = transition is "pause" or "reactivate"
                ? new[] { mentor, org.CoordinatorA, org.Admin }[random.Next(3)]
                : new[] { org.CoordinatorA, org.Admin }[random.Next(2)];
            int? ifMatch = random.Next(4) == 0 ? 1 : null;
            return (mentor, transition, actor, ifMatch);
        }).ToArray();
        var clients = new Dictionary<Guid, HttpClient>();
        foreach (var actor in plan.Select(p => p.actor).Distinct()) clients[actor] = server.As(actor);

        var responses = await AllAtOnceAsync(plan.Length, i =>
            clients[plan[i].actor].TransitionAsync(plan[i].mentor, plan[i].transition, ifMatch: plan[i].ifMatch));

        foreach (var mentor in mentors)
        {
            var mine = Enumerable.Range(0, plan.Length).Where(i => plan[i].mentor == mentor).ToList();
            var versions = new List<int>();
            foreach (var i in mine)
            {
                var r = responses[i];
                if (r.StatusCode == HttpStatusCode.OK) versions.Add((await r.ReadAsync<MentorResponse>()).Version);
                else if (r.StatusCode == HttpStatusCode.PreconditionFailed) await r.ProblemAsync(412, "version_mismatch");
                else await r.ProblemAsync(409, "invalid_transition");
            }
            Assert.NotEmpty(versions);
            Assert.Equal(Enumerable.Range(2, versions.Count), versions.Order()); // each success a distinct version, no gaps
            Assert.Equal(versions.Count + 1, (await server.Worker.StateAsync(mentor)).Version);
            Assert.Equal(versions.Count, (await server.Worker.LogAsync(mentor)).Count);
            await server.Worker.AssertConsistentAsync(mentor);
        }
    }

    /// <summary>The nightly certification job racing people who pause and reactivate: one of them wins each state, nobody errs.</summary>
    [Fact]
    public async Task CertificationExpiryRacingPauses_OneWinner_NoErrors()
    {
        var org = await _world.StandardOrgAsync(requireAck: true);
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = '2020-01-01' WHERE id = @MentorA", org);
        var gate = new TaskCompletionSource();
        var expiries = Enumerable.Range(0, 10).Select(async _ =>
        {
            await gate.Task;
            await using var conn = await server.Worker.OpenConnectionAsync();
            return await conn.ExecuteScalarAsync<bool>("SELECT mentor_certification_expire(@MentorA, now())", org);
        }).ToList();
        var pauses = Enumerable.Range(0, 10).Select(async i =>
        {
            await gate.Task;
            return await server.As(i % 2 == 0 ? org.MentorA : org.CoordinatorA).TransitionAsync(org.MentorA, "pause");
        }).ToList();
        gate.SetResult();
        var expired = (await Task.WhenAll(expiries)).Count(e => e);
        var responses = await Task.WhenAll(pauses);
        var paused = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(1, expired + paused);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await loser.ProblemAsync(409, "invalid_transition");
        var live = Assert.Single(await server.Worker.PausesAsync(org.MentorA));
        Assert.Equal(expired == 1 ? "expired_cert" : "paused", live.Status);
        await server.Worker.AssertConsistentAsync(org.MentorA);
    }
}
