using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;
using Likeperson.Web;

namespace Likeperson.Tests.Web;

/// <summary>A peer mentor's own page offers only what they can do, and says what happened.</summary>
public sealed partial class MyPageTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task My_PausedByAnExpiredCertification_OffersNoReactivationAndSaysWhoRenewsIt()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                UPDATE peer_mentors SET certification_expires_at = current_date - 2 WHERE id = @MentorA;
                SELECT mentor_certification_expire(@MentorA, now());
                """, org);
        var browser = await WebSignIn.AsAsync(server, org.MentorA);

        var html = WebUtility.HtmlDecode(await (await browser.GetAsync("/my")).Content.ReadAsStringAsync());

        Assert.Contains("Ask your coordinator to renew it", html);
        Assert.DoesNotContain("id=\"reactivate\"", html);
    }

    [Fact]
    public async Task My_PausedVoluntarilyWhileTheCertificationRanOut_OffersNoReactivationThatWouldFail()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await server.BringToAsync(org, org.MentorA, "paused");
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = current_date - 1 WHERE id = @MentorA", org);
        var browser = await WebSignIn.AsAsync(server, org.MentorA);

        var html = WebUtility.HtmlDecode(await (await browser.GetAsync("/my")).Content.ReadAsStringAsync());

        Assert.Contains("Ask your coordinator to renew it", html);
        Assert.DoesNotContain("id=\"reactivate\"", html);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(30, true)]
    [InlineData(31, false)]
    public async Task My_CertificationNearingItsEnd_IsWarnedAbout(int daysLeft, bool warned)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("UPDATE peer_mentors SET certification_expires_at = (now() AT TIME ZONE 'Europe/Oslo')::date + @daysLeft WHERE id = @mentor",
                new { daysLeft, mentor = org.MentorA });
        var browser = await WebSignIn.AsAsync(server, org.MentorA);

        var html = WebUtility.HtmlDecode(await (await browser.GetAsync("/my")).Content.ReadAsStringAsync());

        Assert.Equal(warned, html.Contains("id=\"cert-warning\""));
        if (warned) Assert.Contains($"(in {daysLeft} days)", html);
    }

    [Theory]
    [InlineData("{14,3}", 14, true)]
    [InlineData("{14,3}", 15, false)]
    [InlineData("{60}", 45, true)]
    [InlineData("{}", 0, false)]
    public async Task MyAndMentorPage_WarningWindow_IsTheOrganisationsLargestWarningThreshold(string thresholds, int daysLeft, bool warned)
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                UPDATE organizations SET certification_warning_days = @thresholds::int[] WHERE id = @Id;
                UPDATE peer_mentors SET certification_expires_at = (now() AT TIME ZONE 'Europe/Oslo')::date + @daysLeft WHERE id = @MentorA;
                """, new { org.Id, thresholds, daysLeft, org.MentorA });

        var my = WebUtility.HtmlDecode(await (await (await WebSignIn.AsAsync(server, org.MentorA)).GetAsync("/my")).Content.ReadAsStringAsync());
        Assert.Equal(warned, my.Contains("id=\"cert-warning\""));
        Assert.Contains("Certification valid until", my); // the date itself is always shown
        var mentorPage = WebUtility.HtmlDecode(await (await (await WebSignIn.AsAsync(server, org.CoordinatorA)).GetAsync($"/mentors/{org.MentorA}"))
            .Content.ReadAsStringAsync());
        Assert.Equal(warned, mentorPage.Contains("id=\"cert-banner\""));
    }

    [Fact]
    public async Task My_ReactivationThatNeedsAcknowledgement_SaysItIsRequestedNotDone()
    {
        var org = await new World(server.Worker).StandardOrgAsync(requireAck: true);
        await server.BringToAsync(org, org.MentorA, "paused");
        var browser = await WebSignIn.AsAsync(server, org.MentorA);
        var page = WebUtility.HtmlDecode(await (await browser.GetAsync("/my")).Content.ReadAsStringAsync());

        var done = await browser.PostAsync("/my?handler=reactivate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["version"] = Version().Match(page).Groups[1].Value, ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));
        var html = WebUtility.HtmlDecode(await done.Content.ReadAsStringAsync());

        Assert.Equal("/my", done.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Your reactivation is requested", html);
        Assert.DoesNotContain("Welcome back", html);
        Assert.Equal("pending_reactivation", (await server.Worker.StateAsync(org.MentorA)).Status);
    }

    [Fact]
    public async Task Notifications_MentorsOwnPauseConfirmation_LinksToNoRosterTheyMayNotSee()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        await (await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause")).ReadAsync<Likeperson.Mentors.MentorResponse>();
        var mentor = await WebSignIn.AsAsync(server, org.MentorA);
        var coordinator = await WebSignIn.AsAsync(server, org.CoordinatorA);

        await Notifications.Eventually.TrueAsync(async () =>
            (await (await coordinator.GetAsync("/notifications")).Content.ReadAsStringAsync()).Contains("href=\"/roster\""),
            "the coordinator's pause card with its roster link");
        var mine = "";
        await Notifications.Eventually.TrueAsync(async () =>
            (mine = WebUtility.HtmlDecode(await (await mentor.GetAsync("/notifications")).Content.ReadAsStringAsync())).Contains("type-pause_confirmation"),
            "the mentor's own pause confirmation");

        Assert.Contains("card notification type-pause_confirmation", mine);
        Assert.DoesNotContain("href=\"/roster\"", mine);
    }

    [Fact]
    public async Task Listing_TheCheckboxSavesThroughTheEndpointsFunction_AndTheChapterFeedFollowsIt()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);
        browser.DefaultRequestHeaders.Add("Cookie", "lp_lang=nb");
        var feed = $"/api/v1/public/chapters/{org.ChapterA}/mentors";
        async Task<string> Html(HttpResponseMessage r) => WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync());

        var page = await Html(await browser.GetAsync("/my"));
        Assert.Contains("<label for=\"listed-publicly\">Vis navnet mitt på lokallagets nettside</label>", page);
        Assert.DoesNotMatch("id=\"listed-publicly\"[^>]*checked", page);

        var listed = await browser.PostAsync("/my?handler=listing", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["listed_publicly"] = "true", ["__RequestVerificationToken"] = SignInPage.Antiforgery(page),
        }));
        var html = await Html(listed);
        Assert.EndsWith("/my?done=listed", listed.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Contains("Navnet ditt vises på lokallagets nettside mens du er aktiv og sertifisert.", html);
        Assert.Matches("id=\"listed-publicly\"[^>]*checked=\"checked\"", html);
        Assert.Contains("\"display_name\": \"Mentor A\"", await server.Anonymous().GetStringAsync(feed));

        var unlisted = await browser.PostAsync("/my?handler=listing", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignInPage.Antiforgery(html), // an unticked checkbox sends nothing
        }));
        Assert.Contains("Navnet ditt vises ikke lenger på lokallagets nettside.", await Html(unlisted));
        Assert.DoesNotContain("Mentor A", await server.Anonymous().GetStringAsync(feed));
    }

    [Fact]
    public void Texts_OpenAsAStatusAndOpenAsAButton_AreDifferentWordsInNorwegian() =>
        Assert.NotEqual(UiTexts.All["status.open"].Nb, UiTexts.All["notifications.open"].Nb);

    [GeneratedRegex("name=\"version\" value=\"(\\d+)\"")]
    private static partial Regex Version();
}
