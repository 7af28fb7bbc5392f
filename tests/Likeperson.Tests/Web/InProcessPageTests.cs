using System.Diagnostics;
using System.Net;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>
/// The pages call the features in-process as the signed-in person: a board is one request and one database round trip
/// whatever its size, and the session names a person whose existence is checked on every page.
/// </summary>
public sealed class InProcessPageTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Board_ThirtyAssignmentsOfTenMentorsAndThirtyContacts_IsOneDatabaseRoundTrip()
    {
        var world = new World(server.Worker);
        var org = await world.StandardOrgAsync();
        for (var i = 0; i < 30; i++)
        {
            var mentor = i < 2 ? org.MentorA : await world.PersonAsync(org.Id, $"Mentor {i}", mentorIn: [org.ChapterA]);
            await world.AssignmentRowAsync(org.Id, mentor, await world.ContactAsync(org.Id, org.ChapterA, $"Contact {i}"), sequence: i < 2 ? i + 1 : 1);
        }
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        using var commands = new DatabaseCommands();
        var (board, count) = await commands.GetAsync(browser, "/board");
        var html = WebUtility.HtmlDecode(await board.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.All(Enumerable.Range(0, 30), i => Assert.Contains($"Contact {i}</a></h3>", html));
        Assert.Contains("Mentor 29", html);
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task Page_PersonDeletedMidSession_EndsTheSessionAndShowsNoData()
    {
        var world = new World(server.Worker);
        var org = await world.StandardOrgAsync();
        var gone = await world.PersonAsync(org.Id, "Soon Gone", coordinatorOf: [org.ChapterA]);
        var browser = await WebSignIn.AsAsync(server, gone);
        Assert.Equal("/board", (await browser.GetAsync("/board")).RequestMessage!.RequestUri!.AbsolutePath);

        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("DELETE FROM chapter_memberships WHERE person_id = @gone; DELETE FROM people WHERE id = @gone", new { gone });
        var page = await browser.GetAsync("/board");

        Assert.Equal(("/signin", "?expired=1"), (page.RequestMessage!.RequestUri!.AbsolutePath, page.RequestMessage.RequestUri.Query));
        var again = await browser.GetAsync("/roster");
        Assert.Equal("/signin", again.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.StartsWith("?ReturnUrl=", again.RequestMessage.RequestUri.Query);
    }

    [Fact]
    public async Task Row_OneAssignment_IsOneDatabaseRoundTripAndRendersTheRowWithNames()
    {
        var world = new World(server.Worker);
        var org = await world.StandardOrgAsync();
        var id = await world.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, sequence: 1);
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        using var commands = new DatabaseCommands();
        var (row, count) = await commands.GetAsync(browser, $"/board?handler=row&id={id}");
        var html = WebUtility.HtmlDecode(await row.Content.ReadAsStringAsync());
        var other = await browser.GetAsync($"/board?handler=row&id={await world.AssignmentRowAsync(org.Id, org.MentorB, org.ContactB, 1)}");

        Assert.Equal(HttpStatusCode.OK, row.StatusCode);
        Assert.Contains($"<h3><a href=\"/assignments/{id}\">Contact A</a></h3>", html);
        Assert.Contains("Mentor A", html);
        Assert.Equal(1, count);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode); // chapter B's is not Coordinator A's to see
    }
}

/// <summary>
/// Counts the database commands (Npgsql's activities: one per command or batch, i.e. per round trip) that one web request
/// ran: the request carries a W3C `traceparent` of its own, which ASP.NET Core continues, so every command of that
/// request, and none of any other, has its trace id. The test process hosts the server in-process, so it sees them.
/// </summary>
internal sealed class DatabaseCommands : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ActivityTraceId _trace = ActivityTraceId.CreateRandom();
    private int _count;

    public DatabaseCommands()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.Source.Name == "Npgsql" && a.TraceId == _trace) Interlocked.Increment(ref _count);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Sends the request as part of this count's trace and returns it with the number of commands it ran.</summary>
    public async Task<(HttpResponseMessage Response, int Commands)> GetAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("traceparent", $"00-{_trace}-{ActivitySpanId.CreateRandom()}-01");
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return (response, Volatile.Read(ref _count));
    }

    public void Dispose() => _listener.Dispose();
}
