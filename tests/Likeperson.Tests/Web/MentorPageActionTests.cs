using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;

namespace Likeperson.Tests.Web;

/// <summary>
/// The mentor page's forms (`/mentors/{id}`) posted as a browser does, with its antiforgery token: the actions offered
/// follow who the caller is, and a refusal shows the page again with the server's error next to the field and what
/// was typed kept, never a server error, and changes nothing.
/// </summary>
public sealed partial class MentorPageActionTests(TestServer server) : IClassFixture<TestServer>
{
    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string url, string page, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = SignInPage.Antiforgery(page);
        return browser.PostAsync(url, new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task Deactivate_StaleVersion_ShowsWhyKeepsTheTypedReasonAndChangesNothing()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var page = await HtmlAsync(await browser.GetAsync($"/mentors/{org.MentorA}"));
        var version = int.Parse(Version().Match(page).Groups[1].Value);

        var response = await PostAsync(browser, $"/mentors/{org.MentorA}?handler=deactivate", page,
            new() { ["version"] = (version - 1).ToString(), ["reason"] = "Moved to another city" });
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Someone changed this just now", html);
        Assert.Matches("<details id=\"deactivate-form\" open=\"open\">", html);
        Assert.Contains(">Moved to another city</textarea>", html);
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Fact]
    public async Task Deactivate_BlankReason_ShowsTheFieldErrorNextToTheReasonInNorwegian()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        browser.DefaultRequestHeaders.Add("Cookie", "lp_lang=nb");
        var page = await HtmlAsync(await browser.GetAsync($"/mentors/{org.MentorA}"));

        var response = await PostAsync(browser, $"/mentors/{org.MentorA}?handler=deactivate", page,
            new() { ["version"] = Version().Match(page).Groups[1].Value, ["reason"] = "   " });
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<p class=\"field-error\" id=\"deactivate-reason-error\">Oppgi en årsak til deaktiveringen (høyst 200 tegn).</p>", html);
        Assert.Matches("id=\"deactivate-reason\"[^>]*aria-invalid=\"true\"[^>]*autofocus=\"autofocus\"", html);
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Fact]
    public async Task Pause_ReturnDateInThePast_ShowsTheErrorAtTheDateAndKeepsReasonAndDate()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var page = await HtmlAsync(await browser.GetAsync($"/mentors/{org.MentorA}"));
        var past = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3).ToString("yyyy-MM-dd");

        var response = await PostAsync(browser, $"/mentors/{org.MentorA}?handler=pause", page,
            new() { ["version"] = Version().Match(page).Groups[1].Value, ["reason"] = "Hospital stay", ["expected_return_date"] = past });
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"pause-return-error\">The return date may not be in the past.</p>", html);
        Assert.Contains(">Hospital stay</textarea>", html);
        Assert.Contains($"value=\"{past}\"", html);
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Fact]
    public async Task CertificationExpired_OffersRenewalNotReactivation_ThenRenewedTheCoordinatorReactivates()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                UPDATE peer_mentors SET certification_expires_at = current_date - 2 WHERE id = @MentorA;
                SELECT mentor_certification_expire(@MentorA, now());
                """, org);
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var page = await HtmlAsync(await browser.GetAsync($"/mentors/{org.MentorA}"));
        Assert.DoesNotContain("id=\"reactivate\"", page);
        Assert.Contains("Renew it first", page);

        var renewed = await PostAsync(browser, $"/mentors/{org.MentorA}?handler=certification", page, new()
        {
            ["version"] = Version().Match(page).Groups[1].Value,
            ["expires_at"] = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1).ToString("yyyy-MM-dd"),
        });
        var after = await HtmlAsync(renewed);
        Assert.Contains("The certification date is saved.", after);
        Assert.Contains("id=\"reactivate\"", after);

        var reactivated = await HtmlAsync(await PostAsync(browser, $"/mentors/{org.MentorA}?handler=reactivate", after,
            new() { ["version"] = Version().Match(after).Groups[1].Value }));
        Assert.Contains("The mentor is active again.", reactivated);
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Fact]
    public async Task TheMentorThemself_IsOfferedPauseButNeitherDeactivationNorRenewal()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);
        var page = await HtmlAsync(await browser.GetAsync($"/mentors/{org.MentorA}"));

        Assert.Contains("id=\"pause-form\"", page);
        Assert.DoesNotContain("id=\"deactivate-form\"", page);
        Assert.DoesNotContain("id=\"certification-form\"", page);

        // Posting the coordinator's form anyway is refused by the SQL and shown, not a 500.
        var forced = await PostAsync(browser, $"/mentors/{org.MentorA}?handler=deactivate", page,
            new() { ["version"] = Version().Match(page).Groups[1].Value, ["reason"] = "x" });
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Contains("Your role does not allow this.", await HtmlAsync(forced));
        Assert.Equal("active", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [GeneratedRegex("name=\"version\" value=\"(\\d+)\"")]
    private static partial Regex Version();
}
