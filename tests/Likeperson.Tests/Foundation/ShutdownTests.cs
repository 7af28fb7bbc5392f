using System.Net.Http.Headers;
using Dapper;
using Likeperson.Auth;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// SIGTERM in the middle of a burst of transitions: the server (a real process) stops within its shutdown timeout with
/// exit code 0, every transition it answered 200 is in the database, and every transition in the database has its
/// outbox row (both are written in the transition's one transaction).
/// </summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_DuringABurstOfTransitions_ExitsZeroAndNoOutboxRowIsLost()
    {
        var db = await TestCluster.CreateDatabaseAsync();
        await using var worker = NpgsqlDataSource.Create(db.Worker);
        var world = new World(worker);
        var org = await world.StandardOrgAsync();
        var mentors = new List<Guid>();
        for (var i = 0; i < 8; i++)
            mentors.Add(await world.PersonAsync(org.Id, $"Burst mentor {i}", mentorIn: [org.ChapterA], certificationExpiresAt: MentorHttp.Today.AddYears(1)));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:JwtSecret"] = TestServer.JwtSecret }).Build();
        var token = AuthSettings.FromConfiguration(config, new TestingEnvironment())
            .Mint(org.CoordinatorA.ToString(), TimeSpan.FromHours(1));

        await using var server = ServerProcess.Start([.. ServerProcess.Common, .. ServerProcess.External(db), "--urls", "http://127.0.0.1:0"]);
        var address = await server.ListeningAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var answered = 0; // transitions answered 200
        var serverErrors = new List<string>();
        var enoughForSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bursts = mentors.Select(mentor => Task.Run(async () =>
        {
            for (var n = 0; ; n++)
            {
                HttpResponseMessage response;
                try { response = await http.TransitionAsync(mentor, n % 2 == 0 ? "pause" : "reactivate", n % 2 == 0 ? new { reason = $"Burst {n}" } : null); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return; } // the server has gone
                if ((int)response.StatusCode == 200)
                {
                    if (Interlocked.Increment(ref answered) >= 40) enoughForSignal.TrySetResult();
                }
                else if ((int)response.StatusCode >= 500)
                {
                    var text = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    lock (serverErrors) serverErrors.Add(text);
                }
                else if ((int)response.StatusCode != 409) // a conflict is a refused transition, not a failure
                {
                    Assert.Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        })).ToArray();

        var ready = await Task.WhenAny(enoughForSignal.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(ready == enoughForSignal.Task, $"only {answered} transitions in 30 s\n{server.Stdout}\n{server.Stderr}");
        var signalled = System.Diagnostics.Stopwatch.StartNew();
        server.Signal("TERM");

        var exitCode = await server.ExitCodeAsync(TimeSpan.FromSeconds(30)); // the host's default shutdown timeout
        Assert.True(exitCode == 0, $"exit {exitCode} after {signalled.Elapsed}\n{server.Stdout}\n{server.Stderr}");
        await Task.WhenAll(bursts);
        Assert.Empty(serverErrors);

        await using var conn = await worker.OpenConnectionAsync();
        var transitions = (await conn.QueryAsync<string>(
            "SELECT mentor_id || ' ' || transition || ' ' || new_status FROM mentor_status_log WHERE organization_id = @org ORDER BY 1",
            new { org = org.Id })).ToList();
        var outbox = (await conn.QueryAsync<string>("""
            SELECT (payload->>'mentor_id') || ' ' || (payload->>'transition') || ' ' || (payload->>'new_status') FROM outbox
            WHERE organization_id = @org AND kind = 'mentor_status_changed' ORDER BY 1
            """, new { org = org.Id })).ToList();
        Assert.True(transitions.Count >= answered, $"{answered} transitions answered 200, {transitions.Count} in the database");
        Assert.Equal(transitions, outbox);
    }

    private sealed class TestingEnvironment : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Likeperson";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
