using System.Net;
using Dapper;
using Likeperson.Tests.Foundation;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;

namespace Likeperson.Tests.Web;

/// <summary>
/// The set-up screens (/admin/...) posted as a browser does, with the antiforgery token: an org admin's work lands through
/// the setup functions; a refusal shows the page again with the error next to its field and what was typed kept, and
/// changes nothing; a role that does not open a page gets a 403 page without data.
/// </summary>
public sealed class AdminPageTests(TestServer server) : IClassFixture<TestServer>
{
    private World World => new(server.Worker);

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<(HttpResponseMessage Response, string Html)> PostAsync(HttpClient browser, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var page = await HtmlAsync(await browser.GetAsync(url.Split('?')[0]));
        var response = await browser.PostAsync(url, new FormUrlEncodedContent(
            form.Append(new("__RequestVerificationToken", SignInPage.Antiforgery(page)))));
        return (response, await HtmlAsync(response));
    }

    [Fact]
    public async Task AdminOnlyPages_MentorOrCoordinator_Get403WithoutData()
    {
        var org = await World.StandardOrgAsync();
        foreach (var person in new[] { org.CoordinatorA, org.MentorA })
        {
            var browser = await WebSignIn.AsAsync(server, person);
            foreach (var path in new[] { "/admin", "/admin/chapters", "/admin/people", $"/admin/people/{org.MentorA}", "/admin/settings" })
            {
                var response = await browser.GetAsync(path);
                if (person == org.CoordinatorA && path == "/admin")
                {
                    Assert.Equal("/admin/contacts", response.RequestMessage!.RequestUri!.AbsolutePath); // a coordinator's part of it
                    continue;
                }
                var html = await HtmlAsync(response);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Contains("Your role does not open this page.", html);
                Assert.DoesNotContain("Chapter ", html);
                Assert.DoesNotContain("Mentor A2", html);
            }
        }
        var mentorContacts = await (await WebSignIn.AsAsync(server, org.MentorA)).GetAsync("/admin/contacts");
        Assert.Equal(HttpStatusCode.Forbidden, mentorContacts.StatusCode);
        Assert.DoesNotContain("Contact A", await HtmlAsync(mentorContacts));
    }

    [Fact]
    public async Task Chapters_CreateThenDuplicate_CreatedOnceAndTheDuplicateRefusedAtTheNameKeepingIt()
    {
        var org = await World.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);

        var (created, html) = await PostAsync(browser, "/admin/chapters", [new("name", "  Tromsø ")]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("The chapter Tromsø is created.", html);
        Assert.Contains("<h3>Tromsø</h3>", html);

        var before = await ApiShape.SetupStateAsync(server.Worker);
        var (refused, again) = await PostAsync(browser, "/admin/chapters", [new("name", "Tromsø")]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("<p class=\"field-error\" id=\"name-error\">Give a name of 1 to 200 characters that no other chapter", again);
        Assert.Matches("id=\"name\"[^>]*value=\"Tromsø\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"name-error\"[^>]*autofocus", again);
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task People_AddWithMembershipAndCertification_AppearsInTheListAndTheDatabase()
    {
        var org = await World.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var expiry = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(2);

        var (response, html) = await PostAsync(browser, "/admin/people", [
            new("display_name", "Ingrid Mentor"), new("membership", $"{org.ChapterA}:peer_mentor"), new("membership", $"{org.ChapterB}:coordinator"),
            new("certification_expires_at", expiry.ToString("yyyy-MM-dd"))]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Ingrid Mentor is added.", html);
        await using var conn = await server.Worker.OpenConnectionAsync();
        var id = await conn.ExecuteScalarAsync<Guid>("SELECT id FROM people WHERE organization_id = @Id AND display_name = 'Ingrid Mentor'", org);
        Assert.Equal(expiry, (await server.Worker.StateAsync(id)).CertificationExpiresAt);
        Assert.Equal(2, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM chapter_memberships WHERE person_id = @id", new { id }));
        Assert.Contains($"<a href=\"/admin/people/{id}\">Ingrid Mentor</a>", html);
    }

    [Fact]
    public async Task People_CertificationWithoutPeerMentorRole_RefusedAtTheDateKeepingEverythingTyped()
    {
        var org = await World.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        browser.DefaultRequestHeaders.Add("Cookie", "lp_lang=nb");
        var before = await ApiShape.SetupStateAsync(server.Worker);

        var (response, html) = await PostAsync(browser, "/admin/people", [
            new("display_name", "Ola Koordinator"), new("org_admin", "true"), new("membership", $"{org.ChapterB}:coordinator"),
            new("certification_expires_at", "2031-05-01")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"certification-expires-at-error\">Bare likepersoner har sertifisering", html);
        Assert.Matches("id=\"certification\"[^>]*value=\"2031-05-01\"[^>]*aria-invalid=\"true\"[^>]*autofocus", html);
        Assert.Contains("value=\"Ola Koordinator\"", html);
        Assert.Matches("id=\"org-admin\"[^>]*checked", html);
        Assert.Matches($"id=\"m-{org.ChapterB}-coordinator\"[^>]*checked", html);
        Assert.DoesNotMatch($"id=\"m-{org.ChapterA}-coordinator\"[^>]*checked", html);
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task Person_ReplaceMembershipsAndRenewCertification_SavedThroughTheSetupAndMentorFunctions()
    {
        var org = await World.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var url = $"/admin/people/{org.MentorA}";

        var (saved, html) = await PostAsync(browser, url + "?handler=memberships",
            [new("membership", $"{org.ChapterA}:peer_mentor"), new("membership", $"{org.ChapterB}:peer_mentor")]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("The roles are saved.", html);
        await using var conn = await server.Worker.OpenConnectionAsync();
        Assert.Equal(new[] { org.ChapterA, org.ChapterB }.Order(), (await conn.QueryAsync<Guid>(
            "SELECT chapter_id FROM chapter_memberships WHERE person_id = @MentorA", org)).Order());

        var version = (await server.Worker.StateAsync(org.MentorA)).Version;
        var (blank, refused) = await PostAsync(browser, url + "?handler=certification", [new("version", version.ToString()), new("expires_at", "")]);
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        Assert.Contains("id=\"expires-at-error\">Give the new expiry date.</p>", refused);
        var expiry = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(3);
        var (renewed, after) = await PostAsync(browser, url + "?handler=certification",
            [new("version", version.ToString()), new("expires_at", expiry.ToString("yyyy-MM-dd"))]);
        Assert.Contains("The certification date is saved.", after);
        Assert.Equal(expiry, (await server.Worker.StateAsync(org.MentorA)).CertificationExpiresAt);
        Assert.Contains($"href=\"/mentors/{org.MentorA}\"", after);
    }

    [Fact]
    public async Task Contacts_CoordinatorAddsToTheirChapter_AndIsRefusedForAnotherChangingNothing()
    {
        var org = await World.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        var (added, html) = await PostAsync(browser, "/admin/contacts", [new("display_name", "Per Kontakt"), new("chapter", org.ChapterA.ToString())]);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("Per Kontakt is added.", html);
        Assert.Contains("<h3>Per Kontakt</h3>", html);
        Assert.DoesNotContain("Contact B", html);

        var before = await ApiShape.SetupStateAsync(server.Worker);
        var (refused, again) = await PostAsync(browser, "/admin/contacts", [new("display_name", "Elsewhere"), new("chapter", org.ChapterB.ToString())]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("<p class=\"banner error\" role=\"alert\">Your role does not allow this.</p>", again);
        Assert.Contains("value=\"Elsewhere\"", again);
        var (blank, fields) = await PostAsync(browser, "/admin/contacts", [new("display_name", " "), new("chapter", "")]);
        Assert.Contains("id=\"display-name-error\">Give a display name of 1 to 200 characters.</p>", fields);
        Assert.Contains("id=\"chapter-id-error\">Choose a chapter.</p>", fields);
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }

    [Fact]
    public async Task Settings_CertificationWarningDays_RefusedAtTheFieldTypedKept_ThenSavedAndEmptiedMeansNone()
    {
        var org = await World.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var html = await HtmlAsync(await browser.GetAsync("/admin/settings"));
        Assert.Matches("id=\"certification-warning-days\"[^>]*value=\"30, 7\"", html); // the default, shown
        var form = new Dictionary<string, string>
        {
            ["reminder_threshold_days"] = "10", ["escalation_threshold_days"] = "20", ["honorarium_thresholds"] = "", ["digest_hour"] = "8",
            ["timezone"] = "Europe/Oslo",
        };
        async Task<string> SavedAsync() => (await (await server.As(org.Admin).GetAsync($"/api/v1/organizations/{org.Id}"))
            .ReadAsync<System.Text.Json.JsonElement>()).GetProperty("settings").GetProperty("certification_warning_days").GetRawText();

        foreach (var bad in new[] { "30, x", "0, 7", "7, 7" })
        {
            var (refused, text) = await PostAsync(browser, "/admin/settings", new Dictionary<string, string>(form) { ["certification_warning_days"] = bad });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("id=\"certification-warning-days-error\">Whole numbers of days from 1 to 365", text);
            Assert.Matches($"id=\"certification-warning-days\"[^>]*value=\"{bad}\"[^>]*aria-invalid=\"true\"", text);
            Assert.Equal("[30,7]", await SavedAsync());
        }

        var (_, done) = await PostAsync(browser, "/admin/settings", new Dictionary<string, string>(form) { ["certification_warning_days"] = "21, 5" });
        Assert.Contains("The settings are saved.", done);
        Assert.Equal("[21,5]", await SavedAsync());
        await PostAsync(browser, "/admin/settings", form); // a form without the field leaves the warnings as they are
        Assert.Equal("[21,5]", await SavedAsync());
        await PostAsync(browser, "/admin/settings", new Dictionary<string, string>(form) { ["certification_warning_days"] = "" });
        Assert.Equal("[]", await SavedAsync());
    }

    [Fact]
    public async Task Settings_RefusedValues_ErrorsAtTheirFieldsTypedKeptNothingSaved_ThenSaved()
    {
        var org = await World.StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        var form = new Dictionary<string, string>
        {
            ["require_reactivation_ack"] = "true", ["reminder_threshold_days"] = "7", ["escalation_threshold_days"] = "14",
            ["honorarium_thresholds"] = "3, 15", ["digest_hour"] = "25", ["timezone"] = "Mars/Olympus",
        };
        var before = await ApiShape.SetupStateAsync(server.Worker);

        var (refused, html) = await PostAsync(browser, "/admin/settings", form);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("id=\"digest-hour-error\">An hour from 0 to 23.</p>", html);
        Assert.Contains("id=\"timezone-error\">Not a known time zone", html);
        Assert.Matches("id=\"digest-hour\"[^>]*value=\"25\"[^>]*aria-invalid=\"true\"[^>]*autofocus", html);
        Assert.Matches("id=\"timezone\"[^>]*value=\"Mars/Olympus\"[^>]*aria-invalid=\"true\"", html);
        Assert.Contains("value=\"3, 15\"", html);
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));

        var (notNumber, text) = await PostAsync(browser, "/admin/settings", new Dictionary<string, string>(form) { ["digest_hour"] = "9", ["timezone"] = "Europe/Oslo", ["honorarium_thresholds"] = "3, x" });
        Assert.Contains("id=\"honorarium-thresholds-error\">Positive whole numbers", text);
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));

        var (saved, done) = await PostAsync(browser, "/admin/settings", new Dictionary<string, string>(form) { ["digest_hour"] = "6", ["timezone"] = "Europe/Helsinki" });
        Assert.Contains("The settings are saved.", done);
        var settings = (await server.As(org.Admin).GetAsync($"/api/v1/organizations/{org.Id}")).ReadAsync<System.Text.Json.JsonElement>();
        var s = (await settings).GetProperty("settings");
        Assert.Equal((true, 7, 14, 6, "Europe/Helsinki", false), (s.GetProperty("require_reactivation_ack").GetBoolean(), s.GetProperty("reminder_threshold_days").GetInt32(),
            s.GetProperty("escalation_threshold_days").GetInt32(), s.GetProperty("digest_hour").GetInt32(), s.GetProperty("timezone").GetString(),
            s.GetProperty("push_includes_reason").GetBoolean()));
        Assert.Equal([3, 15], s.GetProperty("honorarium_thresholds").EnumerateArray().Select(t => t.GetInt32()));
    }

    [Fact]
    public async Task Settings_CoordinatorPosting_Gets403PageAndNothingChanges()
    {
        var org = await World.StandardOrgAsync();
        var admin = await WebSignIn.AsAsync(server, org.Admin);
        var page = await HtmlAsync(await admin.GetAsync("/admin/settings")); // a genuine token is the coordinator's own, below
        var coordinator = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var own = await HtmlAsync(await coordinator.GetAsync("/admin/contacts"));
        var before = await ApiShape.SetupStateAsync(server.Worker);

        var response = await coordinator.PostAsync("/admin/settings", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["digest_hour"] = "3", ["reminder_threshold_days"] = "1", ["escalation_threshold_days"] = "1", ["timezone"] = "UTC",
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(own),
        }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Your role does not open this page.", await HtmlAsync(response));
        Assert.Contains("id=\"digest-hour\"", page);
        Assert.Equal(before, await ApiShape.SetupStateAsync(server.Worker));
    }
}
