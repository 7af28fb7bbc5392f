using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Web;

/// <summary>
/// The dispatch page (`/assignments/new`) posted as a browser does: it offers only the active mentors the caller
/// supervises, with their open count, and the contacts of the caller's chapters; "add a row" works without script and
/// keeps what was typed; a refusal shows each failing row's error at its field with every value kept and creates nothing.
/// </summary>
public sealed partial class DispatchPageTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string url, string page, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = SignInPage.Antiforgery(page);
        return browser.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private static string[] Options(string html, string selectId) =>
        Regex.Match(html, $"<select id=\"{selectId}\".*?</select>", RegexOptions.Singleline).Value is var select
            ? OptionValue().Matches(select).Select(m => m.Groups[1].Value).Where(v => v.Length > 0).ToArray() : [];

    private async Task<long> AssignmentsAsync(Guid org)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM assignments WHERE organization_id = @org", new { org });
    }

    [Fact]
    public async Task Get_Coordinator_OffersOnlyActiveSupervisedMentorsWithOpenCountAndOwnChaptersContacts()
    {
        var org = await _world.StandardOrgAsync();
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA, status: "pending");
        var done = await server.As(org.CoordinatorA).CreateAsync(org.MentorA, org.ContactA);
        Assert.Equal(HttpStatusCode.OK, (await server.As(org.CoordinatorA).PatchJsonAsync(done.Id, """{"status": "completed"}""")).StatusCode);
        await server.Worker.SetMentorStatusAsync(org.MentorA2, "paused");
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        var html = await HtmlAsync(await browser.GetAsync("/assignments/new"));

        Assert.Equal([org.MentorA.ToString()], Options(html, "row-0-peer_mentor_id")); // not paused A2, not chapter B's mentor
        Assert.Contains("Mentor A (open or pending: 2)", html);
        Assert.Equal([org.ContactA.ToString()], Options(html, "row-0-contact_id"));
        var board = await HtmlAsync(await browser.GetAsync("/board"));
        Assert.Contains("href=\"/assignments/new\"", board);
    }

    [Fact]
    public async Task Get_PeerMentor_IsToldOnlyCoordinatorsDispatch()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);
        var response = await browser.GetAsync("/assignments/new");
        var html = await HtmlAsync(response);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Only coordinators and organisation admins dispatch assignments.", html);
        Assert.DoesNotContain("<select", html);
    }

    [Fact]
    public async Task AddRow_WithoutScript_KeepsWhatWasTypedAndAddsAnEmptyRow()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var page = await HtmlAsync(await browser.GetAsync("/assignments/new"));

        var html = await HtmlAsync(await PostAsync(browser, "/assignments/new?handler=AddRow", page, new()
        {
            ["Rows[0].PeerMentorId"] = org.MentorB.ToString(), ["Rows[0].ContactId"] = org.ContactB.ToString(),
            ["Rows[0].Status"] = "pending", ["Rows[0].Notes"] = "Call after 4 pm",
        }));

        Assert.Matches($"<option value=\"{org.MentorB}\" selected=\"selected\">", html);
        Assert.Matches($"<option value=\"{org.ContactB}\" selected=\"selected\">", html);
        Assert.Matches("<option value=\"pending\" selected=\"selected\">", html);
        Assert.Contains(">Call after 4 pm</textarea>", html);
        Assert.Matches("id=\"row-1-peer_mentor_id\"[^>]*autofocus=\"autofocus\"", html);
        Assert.Equal(0, await AssignmentsAsync(org.Id));
    }

    [Fact]
    public async Task Post_MentorPausedAfterThePageLoaded_ShowsTheRowsErrorKeepsEveryValueAndCreatesNothing()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        browser.DefaultRequestHeaders.Add("Cookie", "lp_lang=nb");
        var page = await HtmlAsync(await browser.GetAsync("/assignments/new"));
        await server.Worker.SetMentorStatusAsync(org.MentorA2, "paused");

        var response = await PostAsync(browser, "/assignments/new", page, new()
        {
            ["Rows[0].PeerMentorId"] = org.MentorA.ToString(), ["Rows[0].ContactId"] = org.ContactA.ToString(), ["Rows[0].Notes"] = "First",
            ["Rows[1].PeerMentorId"] = "", ["Rows[1].ContactId"] = "", ["Rows[1].Notes"] = "", // left blank: not an assignment
            ["Rows[2].PeerMentorId"] = org.MentorA2.ToString(), ["Rows[2].ContactId"] = org.ContactA.ToString(), ["Rows[2].Notes"] = "Second",
        });
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"row-2-peer_mentor_id-error\">Denne likepersonen er ikke aktiv", html);
        Assert.Matches("id=\"row-2-peer_mentor_id\"[^>]*aria-invalid=\"true\"[^>]*autofocus=\"autofocus\"", html);
        Assert.Matches($"<option value=\"{org.MentorA2}\" selected=\"selected\">Mentor A2 \\(åpne eller ventende: 0\\) – På pause</option>", html);
        Assert.Contains(">First</textarea>", html);
        Assert.Contains(">Second</textarea>", html);
        Assert.DoesNotContain("row-0-peer_mentor_id-error", html);
        Assert.Equal(0, await AssignmentsAsync(org.Id));
    }

    [Fact]
    public async Task Post_TwoRows_CreatesBothAndConfirmsWithLinks()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var page = await HtmlAsync(await browser.GetAsync("/assignments/new"));

        var response = await PostAsync(browser, "/assignments/new", page, new()
        {
            ["Rows[0].PeerMentorId"] = org.MentorA.ToString(), ["Rows[0].ContactId"] = org.ContactA.ToString(),
            ["Rows[1].PeerMentorId"] = org.MentorA.ToString(), ["Rows[1].ContactId"] = org.ContactB.ToString(), ["Rows[1].Status"] = "pending",
        });
        var html = await HtmlAsync(response);

        Assert.Equal("/assignments/new", response.RequestMessage!.RequestUri!.AbsolutePath); // after the redirect
        Assert.Contains("2 assignments created.", html);
        var created = (await server.As(org.Admin).GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/assignments"))
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, created.Count);
        foreach (var a in created) Assert.Contains($"href=\"/assignments/{a.GetProperty("id").GetString()}\"", html);
        Assert.Contains("Mentor A → Contact B (Pending, the mentor's assignment no. 2)", html);
    }

    [Fact]
    public async Task Post_TooManyFormValues_IsAClientErrorNotAServerError()
    {
        var org = await _world.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var page = await HtmlAsync(await browser.GetAsync("/assignments/new"));
        var form = Enumerable.Range(0, 1500).ToDictionary(i => $"Rows[{i}].Notes", i => "x");

        var response = await PostAsync(browser, "/assignments/new", page, form);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal(0, await AssignmentsAsync(org.Id));
    }

    [GeneratedRegex("<option value=\"([^\"]*)\"")]
    private static partial Regex OptionValue();
}
