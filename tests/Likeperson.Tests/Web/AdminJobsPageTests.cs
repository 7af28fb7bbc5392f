using System.Net;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;

namespace Likeperson.Tests.Web;

/// <summary>
/// `/admin/jobs` posted as a browser does: "Run now" runs the job in-process through the endpoint's own function and shows
/// the finished run; who may see and run what follows the endpoint's rules (org admins every job, coordinators
/// certification-expiry, anyone else a 403 page); a refusal is shown on the page and runs nothing.
/// </summary>
public sealed class AdminJobsPageTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<HttpResponseMessage> RunNowAsync(HttpClient browser, string job)
    {
        var page = await HtmlAsync(await browser.GetAsync("/admin/jobs"));
        return await browser.PostAsync("/admin/jobs?handler=run", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = job, ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));
    }

    private async Task<List<(string Job, string Status, Guid? StartedBy)>> RunsAsync(Guid org)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, string, Guid?)>(
            "SELECT job, status, started_by FROM job_runs WHERE organization_id = @org ORDER BY started_at", new { org })).ToList();
    }

    [Fact]
    public async Task RunNow_CoordinatorCertificationExpiry_PausesTheExpiredMentorAndShowsTheRunsStatusAndStats()
    {
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = current_date - 3 WHERE id = @MentorA", org);
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        var response = await RunNowAsync(browser, "certification-expiry");
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("?run=", response.RequestMessage!.RequestUri!.Query);
        Assert.Contains("Certification expiry has run: Succeeded.", html);
        Assert.Contains("Paused: 1", html);
        Assert.Equal([("certification-expiry", "succeeded", (Guid?)org.CoordinatorA)], await RunsAsync(org.Id));
        Assert.Equal("paused", (await server.Worker.StateAsync(org.MentorA)).Status);
        Assert.DoesNotContain("id=\"job-follow-up-reminders\"", html); // a coordinator sees only the job they may run
    }

    [Fact]
    public async Task RunNow_CoordinatorFollowUpReminders_IsRefusedOnThePageAndRunsNothing()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        var response = await RunNowAsync(browser, "follow-up-reminders");
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"run-refused\">Your role does not allow this.", html);
        Assert.Empty(await RunsAsync(org.Id));
    }

    [Fact]
    public async Task AdminJobs_PeerMentor_Gets403PageAndCannotRun()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);

        var page = await browser.GetAsync("/admin/jobs");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("Only coordinators and org admins see the jobs.", await HtmlAsync(page));
        Assert.DoesNotContain("href=\"/admin/jobs\"", await HtmlAsync(await browser.GetAsync("/my")));

        var run = await RunNowAsync(browser, "certification-expiry");
        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        Assert.Empty(await RunsAsync(org.Id));
    }

    [Fact]
    public async Task RunNow_WhileAManualRunIsUnderWay_SaysSoAndStartsNoSecond()
    {
        var org = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO job_runs (job, organization_id, trigger, status, started_at) VALUES ('reconciliation', @Id, 'manual', 'running', now())
                """, org);
        var browser = await WebSignIn.AsAsync(server, org.Admin);

        var html = await HtmlAsync(await RunNowAsync(browser, "reconciliation"));

        Assert.Contains("This job is already running for your organisation", html);
        Assert.Equal([("reconciliation", "running", (Guid?)null)], await RunsAsync(org.Id));
    }

    [Fact]
    public async Task AdminJobs_OrgAdmin_SeesEveryJobsRunsAndTheirOrganisationsWarningsOnly()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO job_runs (job, organization_id, trigger, status, started_at, finished_at, stats, error) VALUES
                  ('follow-up-reminders', @org, 'scheduled', 'succeeded', now() - interval '2 hours', now() - interval '2 hours', '{"reminders": 4}', NULL),
                  ('pause-digest', @org, 'scheduled', 'failed', now() - interval '1 hour', now() - interval '1 hour', '{}', 'digest exploded'),
                  ('reconciliation', @other, 'scheduled', 'failed', now() - interval '1 hour', now() - interval '1 hour', '{}', 'other organisation''s failure')
                """, new { org = org.Id, other = other.Id });
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        Assert.Contains("Reconciliation has run: Succeeded.", await HtmlAsync(await RunNowAsync(browser, "reconciliation")));

        var html = await HtmlAsync(await browser.GetAsync("/admin/jobs"));

        Assert.All(new[] { "certification-expiry", "follow-up-reminders", "pause-digest", "reconciliation" },
            job => Assert.Contains($"id=\"run-{job}\"", html));
        Assert.Contains("Reminders</dt><dd>4</dd>", html);
        Assert.Contains("The last run failed: digest exploded", html);
        Assert.Contains("Mentors checked</dt>", html);
        Assert.DoesNotContain("other organisation's failure", html);
        Assert.Contains("href=\"/admin/jobs\" aria-current=\"page\"", html);
    }
}
