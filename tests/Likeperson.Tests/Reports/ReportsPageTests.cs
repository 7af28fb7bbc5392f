using System.Net;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Web;

namespace Likeperson.Tests.Reports;

/// <summary>
/// `/reports` in-process: the page reads the endpoint's function with its frame in one round trip, shows the table and the
/// chart, keeps a refused period with the message next to its field, downloads the same file as the API, and is a 403
/// page for a peer mentor.
/// </summary>
public sealed class ReportsPageTests(TestServer server) : IClassFixture<TestServer>
{
    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static DateOnly OsloToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo")).Date);

    [Fact]
    public async Task Reports_Coordinator_YearToDateTableAndChart_InOneRoundTrip()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);

        using var commands = new DatabaseCommands();
        var (response, count) = await commands.GetAsync(browser, "/reports");
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, count);
        Assert.Contains($"id=\"from\" name=\"from\" value=\"{OsloToday.Year}-01-01\"", html);
        Assert.Contains($"id=\"to\" name=\"to\" value=\"{OsloToday:yyyy-MM-dd}\"", html);
        Assert.Contains("Mentor A</a></th>", html);
        Assert.Contains("Mentor A2</a></th>", html);
        Assert.DoesNotContain("Mentor B</a>", html);
        Assert.Matches("<svg [^>]*role=\"img\" aria-labelledby=\"chart-title chart-desc\"", html);
        Assert.Contains("<th scope=\"col\">Days active</th>", html);
        Assert.Contains("href=\"/reports\" aria-current=\"page\"", html);
    }

    [Fact]
    public async Task Reports_BadPeriod_ShowsThePageAgainWithTheFieldErrorAndTheTypedDates()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.Admin);
        browser.DefaultRequestHeaders.Add("Cookie", "lp_lang=nb");

        var response = await browser.GetAsync("/reports?from=2026-06-10&to=2026-06-01");
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("value=\"2026-06-10\"", html);
        Assert.Contains("value=\"2026-06-01\"", html);
        Assert.Matches("id=\"to\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"to-error\"[^>]*autofocus", html);
        Assert.Contains("<p class=\"field-error\" id=\"to-error\">Siste dag må være en dato lik eller etter den første, høyst 366 dager senere.</p>", html);
        Assert.DoesNotContain("id=\"report-table\"", html);
    }

    [Fact]
    public async Task Reports_DownloadButtons_GiveTheSameFileAsTheApi()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.CoordinatorA);
        var html = await HtmlAsync(await browser.GetAsync("/reports"));
        Assert.Contains("<button type=\"submit\" form=\"report-period\" name=\"handler\" value=\"csv\">", html);

        var period = $"from={OsloToday.Year}-01-01&to={OsloToday:yyyy-MM-dd}&chapter_id={org.ChapterA}";
        var page = await browser.GetAsync($"/reports?{period}&handler=csv");
        var api = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/engagement?{period}");
        api.Headers.Accept.ParseAdd("text/csv");
        var file = await server.As(org.CoordinatorA).SendAsync(api);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/csv", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(file.Content.Headers.ContentDisposition?.ToString(), page.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(await file.Content.ReadAsByteArrayAsync(), await page.Content.ReadAsByteArrayAsync());
        var xlsx = await browser.GetAsync($"/reports?{period}&handler=xlsx");
        Assert.Equal(Likeperson.Reports.ReportFiles.XlsxType, xlsx.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Reports_PeerMentor_Gets403PageWithoutData_AndNoNavigationEntry()
    {
        var org = await new World(server.Worker).StandardOrgAsync();
        var browser = await WebSignIn.AsAsync(server, org.MentorA);

        var response = await browser.GetAsync("/reports");
        var html = await HtmlAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Reports are for coordinators and org admins.", html);
        Assert.DoesNotContain("<table", html);
        Assert.DoesNotContain("href=\"/reports\"", html);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/reports?handler=csv")).StatusCode);
    }
}
