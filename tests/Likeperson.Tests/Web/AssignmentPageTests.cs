using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>
/// The assignment page (`/assignments/{id}`), its forms posted as a browser does (with the antiforgery token): who may see
/// it (anyone else gets the same not-found page, 404, as an unknown id), which actions each caller is offered, and that a
/// refused form shows the page again with the error next to its field and what was typed kept, changing nothing.
/// </summary>
public sealed partial class AssignmentPageTests(TestServer server) : IClassFixture<TestServer>
{
    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string url, string page, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = SignInPage.Antiforgery(page);
        return browser.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private async Task<(Org Org, Guid Assignment)> ArrangeAsync()
    {
        var world = new World(server.Worker);
        var org = await world.StandardOrgAsync();
        return (org, await world.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, sequence: 1));
    }

    private async Task<(string Status, int Activities, DateTime? LastContact, int Version)> StateAsync(Guid assignment)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.QuerySingleAsync<(string, int, DateTime?, int)>("""
            SELECT status, (SELECT count(*)::int FROM assignment_activities WHERE assignment_id = a.id), last_contact_date, version
            FROM assignments a WHERE id = @assignment
            """, new { assignment });
    }

    [Fact]
    public async Task Get_OutsideTheCallersScope_IsTheSameNotFoundPageAsAnUnknownId()
    {
        var (org, assignment) = await ArrangeAsync();

        foreach (var stranger in new[] { org.MentorA2, org.CoordinatorB })
        {
            var response = await (await WebSignIn.AsAsync(server, stranger)).GetAsync($"/assignments/{assignment}");
            var html = await HtmlAsync(response);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("This assignment does not exist or is not yours to see.", html);
            Assert.DoesNotContain("Contact A", html);
        }
        var unknown = await (await WebSignIn.AsAsync(server, org.CoordinatorA)).GetAsync($"/assignments/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("This assignment does not exist or is not yours to see.", await HtmlAsync(unknown));
    }

    [Fact]
    public async Task Get_TheMentorTheCoordinatorAndTheAdmin_SeeItWithTheActionsTheirRoleAllows()
    {
        var (org, assignment) = await ArrangeAsync();

        var mentor = await HtmlAsync(await (await WebSignIn.AsAsync(server, org.MentorA)).GetAsync($"/assignments/{assignment}"));
        Assert.Contains($"<a href=\"/mentors/{org.MentorA}\">Mentor A</a>", mentor);
        Assert.Contains("id=\"confirm-record\"", mentor);
        Assert.DoesNotContain("id=\"status-form\"", mentor);
        Assert.DoesNotContain("id=\"notes-form\"", mentor);
        foreach (var supervisor in new[] { org.CoordinatorA, org.Admin })
        {
            var html = await HtmlAsync(await (await WebSignIn.AsAsync(server, supervisor)).GetAsync($"/assignments/{assignment}"));
            Assert.Contains("id=\"confirm-record\"", html);
            Assert.Contains("id=\"move-pending\"", html);
            Assert.Contains("id=\"move-completed\"", html);
            Assert.Contains("id=\"notes-form\"", html);
        }
    }

    [Fact]
    public async Task Get_OneAssignmentWithItsHistory_IsOneDatabaseRoundTrip()
    {
        var (org, assignment) = await ArrangeAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("SELECT activity_record(@assignment, now() - interval '1 hour', 'phone', 'Called', now())", new { assignment });
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        using var commands = new DatabaseCommands();
        var (page, count) = await commands.GetAsync(browser, $"/assignments/{assignment}");
        var html = await HtmlAsync(page);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Phone call", html);
        Assert.Contains("<p class=\"note-text\">Called</p>", html);
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task RecordActivity_InTheFuture_ShowsTheErrorAtTheTimeKeepsWhatWasTypedAndRecordsNothing()
    {
        var (org, assignment) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);
        browser.DefaultRequestHeaders.Add("Cookie", "lp_lang=nb");
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{assignment}"));
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2).ToString("yyyy-MM-dd");

        var response = await PostAsync(browser, $"/assignments/{assignment}?handler=activity", page, new()
        {
            ["occurred_date"] = tomorrow, ["occurred_time"] = "10:30", ["kind"] = "meeting", ["note"] = "Kaffe på kafé",
        });
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<p class=\"field-error\" id=\"occurred-error\">Oppgi dato og klokkeslett; tidspunktet kan ikke være fram i tid.</p>", html);
        Assert.Matches("id=\"occurred-date\"[^>]*value=\"" + tomorrow + "\"[^>]*aria-invalid=\"true\"[^>]*autofocus=\"autofocus\"", html);
        Assert.Contains("value=\"10:30\"", html);
        Assert.Matches("<option value=\"meeting\" selected=\"selected\">", html);
        Assert.Contains(">Kaffe på kafé</textarea>", html);
        Assert.Equal(0, (await StateAsync(assignment)).Activities);
    }

    [Fact]
    public async Task RecordActivity_ByTheMentor_IsInTheHistoryAndIsTheLastContact()
    {
        var (org, assignment) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{assignment}"));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
        var when = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddHours(-3), zone);

        var response = await PostAsync(browser, $"/assignments/{assignment}?handler=activity", page, new()
        {
            ["occurred_date"] = when.ToString("yyyy-MM-dd"), ["occurred_time"] = when.ToString("HH:mm"), ["kind"] = "contact", ["note"] = "First visit",
        });
        var html = await HtmlAsync(response);

        Assert.EndsWith("?done=recorded", response.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Contains("The contact is recorded.", html);
        Assert.Contains("<p class=\"note-text\">First visit</p>", html);
        var state = await StateAsync(assignment);
        Assert.Equal(1, state.Activities);
        Assert.Equal(TimeZoneInfo.ConvertTimeToUtc(when.Date.Add(new TimeSpan(when.Hour, when.Minute, 0)), zone), state.LastContact);
        Assert.Contains($"id=\"last-contact\">{when.ToString("d MMM yyyy HH:mm", CultureInfo.GetCultureInfo("en-GB"))}</dd>", html);
    }

    [Fact]
    public async Task RecordActivity_WithDurationParticipantsAndMode_IsStoredAndTheHistoryShowsThem()
    {
        var (org, assignment) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        browser.DefaultRequestHeaders.Add("Cookie", "lp_lang=nb");
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{assignment}"));
        Assert.Contains("<label for=\"activity-duration\">Varighet i minutter (valgfritt)</label>", page);
        Assert.Contains("<option value=\"video\">Video</option>", page);
        var when = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddHours(-2), TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"));

        var html = await HtmlAsync(await PostAsync(browser, $"/assignments/{assignment}?handler=activity", page, new()
        {
            ["occurred_date"] = when.ToString("yyyy-MM-dd"), ["occurred_time"] = when.ToString("HH:mm"), ["kind"] = "meeting", ["note"] = "",
            ["duration_minutes"] = "45", ["participants"] = "2", ["mode"] = "in_person",
        }));

        Assert.Contains("Kontakten er registrert.", html);
        Assert.Contains("<p class=\"measures\">45 min · 2 deltakere · Fysisk oppmøte</p>", html);
        await using var conn = await server.Worker.OpenConnectionAsync();
        Assert.Equal((45, 2, "in_person"), await conn.QuerySingleAsync<(int?, int, string?)>(
            "SELECT duration_minutes, participants, mode FROM assignment_activities WHERE assignment_id = @assignment", new { assignment }));
    }

    [Theory]
    [InlineData("duration_minutes", "1441", "activity-duration", "Give the duration as whole minutes from 1 to 1440, or leave it empty.")]
    [InlineData("duration_minutes", "ten", "activity-duration", "Give the duration as whole minutes from 1 to 1440, or leave it empty.")]
    [InlineData("participants", "0", "activity-participants", "Give the number of participants as a whole number, at least 1.")]
    [InlineData("mode", "fax", "activity-mode", "Choose one of the ways offered.")]
    public async Task RecordActivity_AMeasureOutOfBounds_ShowsTheErrorAtItsFieldKeepsWhatWasTypedAndRecordsNothing(string field, string value,
        string id, string message)
    {
        var (org, assignment) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{assignment}"));
        var form = new Dictionary<string, string>
        {
            ["occurred_date"] = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), ["occurred_time"] = "12:00", ["kind"] = "contact",
            ["note"] = "Kept", ["duration_minutes"] = "30", ["participants"] = "1", ["mode"] = "phone",
        };
        form[field] = value;

        var response = await PostAsync(browser, $"/assignments/{assignment}?handler=activity", page, form);
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<p class=\"field-error\" id=\"{id}-error\">{message}</p>", html);
        Assert.Matches($"id=\"{id}\"[^>]*aria-invalid=\"true\"[^>]*autofocus=\"autofocus\"[^>]*aria-describedby=\"[^\"]*{id}-error\"", html);
        if (field != "mode") Assert.Matches($"id=\"{id}\"[^>]*value=\"{value}\"", html);
        Assert.Contains(">Kept</textarea>", html);
        Assert.Equal(0, (await StateAsync(assignment)).Activities);
    }

    [Fact]
    public async Task RecordActivity_MentorPaused_IsNotOfferedAndAPostAnywaySaysWhyAndRecordsNothing()
    {
        var (org, assignment) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{assignment}"));
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE peer_mentors SET status = 'paused' WHERE id = @id", new { id = org.MentorA });

        var response = await PostAsync(browser, $"/assignments/{assignment}?handler=activity", page, new()
        {
            ["occurred_date"] = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), ["occurred_time"] = "12:00", ["duration_minutes"] = "20",
        });
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The peer mentor is not active (paused or inactive), so no new contact can be recorded now.", html);
        Assert.Contains("id=\"mentor-not-active\"", html);
        Assert.DoesNotContain("id=\"confirm-record\"", html);
        Assert.Contains("id=\"move-completed\"", html); // the coordinator may still move it on
        Assert.Equal(0, (await StateAsync(assignment)).Activities);
    }

    [Fact]
    public async Task MoveForward_StaleVersion_SaysSomeoneElseChangedItAndChangesNothing_ThenPendingThenCompleted()
    {
        var (org, assignment) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{assignment}"));
        var version = int.Parse(Version().Match(page).Groups[1].Value);

        var stale = await HtmlAsync(await PostAsync(browser, $"/assignments/{assignment}?handler=status", page,
            new() { ["version"] = (version - 1).ToString(), ["status"] = "completed" }));
        Assert.Contains("This assignment was changed by someone else meanwhile.", stale);
        Assert.Equal("open", (await StateAsync(assignment)).Status);

        var pending = await HtmlAsync(await PostAsync(browser, $"/assignments/{assignment}?handler=status", page,
            new() { ["version"] = version.ToString(), ["status"] = "pending" }));
        Assert.Contains("The assignment now waits for follow-up (Pending).", pending);
        Assert.DoesNotContain("id=\"move-pending\"", pending);
        var completed = await HtmlAsync(await PostAsync(browser, $"/assignments/{assignment}?handler=status", pending,
            new() { ["version"] = Version().Match(pending).Groups[1].Value, ["status"] = "completed" }));
        Assert.Contains("The assignment is closed (Completed).", completed);
        Assert.Contains("id=\"closed-at\"", completed);
        Assert.DoesNotContain("id=\"confirm-record\"", completed);
        Assert.Equal("completed", (await StateAsync(assignment)).Status);

        // The completed assignment's old form, posted anyway, is refused with a clear message: never a server error.
        var again = await PostAsync(browser, $"/assignments/{assignment}?handler=activity", page, new()
        {
            ["occurred_date"] = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), ["occurred_time"] = "12:00",
        });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("This assignment is completed and can no longer change.", await HtmlAsync(again));
    }

    [Fact]
    public async Task Notes_TooLong_ShowsTheErrorNextToTheNotesAndKeepsThem()
    {
        var (org, assignment) = await ArrangeAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{assignment}"));
        var notes = new string('n', 2001);

        var html = await HtmlAsync(await PostAsync(browser, $"/assignments/{assignment}?handler=notes", page,
            new() { ["version"] = Version().Match(page).Groups[1].Value, ["notes"] = notes }));

        Assert.Contains("<p class=\"field-error\" id=\"notes-error\">The notes may be at most 2000 characters.</p>", html);
        Assert.Contains("<details id=\"notes-form\" open=\"open\">", html);
        Assert.Contains($">{notes}</textarea>", html);
        Assert.Equal(1, (await StateAsync(assignment)).Version);
    }

    [Fact]
    public async Task Post_ByAMentorOfAnotherAssignment_IsTheNotFoundPage()
    {
        var (org, assignment) = await ArrangeAsync();
        var own = await new World(server.Worker).AssignmentRowAsync(org.Id, org.MentorA2, org.ContactA, sequence: 1);
        var browser = await WebSignIn.AsAsync(server, org.MentorA2);
        var page = await HtmlAsync(await browser.GetAsync($"/assignments/{own}"));

        var response = await PostAsync(browser, $"/assignments/{assignment}?handler=activity", page, new()
        {
            ["occurred_date"] = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), ["occurred_time"] = "12:00",
        });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("This assignment does not exist or is not yours to see.", await HtmlAsync(response));
        Assert.Equal(0, (await StateAsync(assignment)).Activities);
    }

    [GeneratedRegex("name=\"version\" value=\"(\\d+)\"")]
    private static partial Regex Version();
}
