using System.Net.Http.Headers;
using System.Text.Json;
using CsvHelper;
using Dapper;
using Likeperson.Reports;
using Likeperson.Tests.Infrastructure;
using MiniExcelLibs;

namespace Likeperson.Tests.Reports;

/// <summary>The report as CSV and xlsx, chosen by `Accept`: read back with CsvHelper and MiniExcel, they say what the JSON says.</summary>
public sealed class ReportDownloadTests(ReportClockServer server) : IClassFixture<ReportClockServer>
{
    private readonly World _world = new(server.Worker);
    private static readonly DateTimeOffset June15 = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);
    private const string Query = "?from=2026-06-01&to=2026-06-15";

    /// <summary>An organisation and chapter with Norwegian letters, a mentor whose name needs quoting in CSV, one pause each.</summary>
    private async Task<(Org Org, string Url)> ArrangeAsync()
    {
        server.Clock.Now = June15;
        var org = await _world.StandardOrgAsync();
        await SqlAs.WorkerAsync(server.Database, async c =>
        {
            await c.ExecuteAsync("UPDATE organizations SET name = 'Blåkors Øst' WHERE id = @Id", new { org.Id });
            await c.ExecuteAsync("UPDATE chapters SET name = 'Ålesund' WHERE id = @ChapterA", new { org.ChapterA });
            await c.ExecuteAsync("UPDATE people SET display_name = 'Søren \"Sjefen\" Ærø, jr.' WHERE id = @MentorA", new { org.MentorA });
            return await c.ExecuteAsync("UPDATE peer_mentors SET created_at = @at WHERE organization_id = @Id", new { org.Id, at = June15.AddDays(-40) });
        });
        await server.PauseAsync(org.MentorA, org.MentorA, June15.AddDays(-9).AddHours(-5));
        await server.ReactivateAsync(org.MentorA, org.MentorA, June15.AddDays(-2));
        await server.PauseAsync(org.CoordinatorA, org.MentorA2, June15.AddDays(-4));
        return (org, $"/api/v1/reports/engagement{Query}&chapter_id={org.ChapterA}");
    }

    private async Task<HttpResponseMessage> Download(Guid caller, string url, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(accept);
        return await server.As(caller).SendAsync(request);
    }

    private static void AssertNamed(HttpResponseMessage response, string extension)
    {
        var disposition = response.Content.Headers.ContentDisposition!.ToString();
        Assert.StartsWith("attachment; ", disposition);
        Assert.Contains($"filename=\"engagement_Blakors-Ost_Alesund_2026-06-01_2026-06-15.{extension}\"", disposition);
        Assert.Contains($"filename*=UTF-8''{Uri.EscapeDataString($"engagement_Blåkors Øst_Ålesund_2026-06-01_2026-06-15.{extension}")}", disposition);
    }

    /// <summary>The JSON's rows as the files spell them, in <see cref="ReportFiles.Columns"/> order.</summary>
    private static List<string[]> Expected(EngagementReport json) => json.Items.Select(r => new[]
    {
        r.MentorId.ToString(), r.DisplayName, string.Join("; ", r.ChapterIds), $"{r.DaysActive}", $"{r.DaysPausedVoluntary}",
        $"{r.DaysPausedByCoordinator}", $"{r.DaysPausedCertification}", $"{r.Pauses}", string.Join("; ", r.CertificationLapses.Select(ReportFiles.Lapse)),
        $"{r.AssignmentsOpened}", $"{r.AssignmentsCompleted}", $"{r.Activities}", $"{r.ActivityMinutes}",
    }).ToList();

    [Fact]
    public async Task Csv_Rfc4180WithBom_OneRowPerMentor_SameAsTheJson()
    {
        var (org, url) = await ArrangeAsync();
        var json = await (await server.As(org.CoordinatorA).GetAsync(url)).ReadAsync<EngagementReport>();
        var response = await Download(org.CoordinatorA, url, "text/csv");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        AssertNamed(response, "csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Contains("\r\n", System.Text.Encoding.UTF8.GetString(bytes)); // records end with CRLF
        Assert.Contains("\"Søren \"\"Sjefen\"\" Ærø, jr.\"", System.Text.Encoding.UTF8.GetString(bytes));

        using var csv = CsvReader.Create(bytes, null);
        var rows = new List<string[]>();
        while (csv.Read()) rows.Add(Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToArray());
        Assert.Equal(ReportFiles.Columns, csv.Headers.ToArray());
        Assert.Equal(2, rows.Count);
        Assert.Equal(Expected(json), rows);
        Assert.Contains(json.Items, i => i.DaysPausedVoluntary > 0);
    }

    [Fact]
    public async Task Xlsx_ReadBackWithMiniExcel_SameAsTheJson()
    {
        var (org, url) = await ArrangeAsync();
        var json = await (await server.As(org.Admin).GetAsync(url)).ReadAsync<EngagementReport>();
        var response = await Download(org.Admin, url, ReportFiles.XlsxType);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(ReportFiles.XlsxType, response.Content.Headers.ContentType?.MediaType);
        AssertNamed(response, "xlsx");
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>()
            .Select(r => ReportFiles.Columns.Select(c => Convert.ToString(r[c], System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray())
            .ToList();
        Assert.Equal(Expected(json), rows);
    }

    [Fact]
    public async Task Accept_JsonByDefaultAndByQuality_RefusalsStayProblems()
    {
        var (org, url) = await ArrangeAsync();
        foreach (var accept in new[] { "application/json", "*/*", "text/csv;q=0.5, application/json", "text/html" })
        {
            var response = await Download(org.CoordinatorA, url, accept);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Null(response.Content.Headers.ContentDisposition);
        }
        Assert.Equal("text/csv", (await Download(org.CoordinatorA, url, "application/json;q=0.2, text/csv")).Content.Headers.ContentType?.MediaType);
        await (await Download(org.MentorA, url, "text/csv")).ProblemAsync(403, "forbidden");
        await (await Download(org.Admin, "/api/v1/reports/engagement?from=2026-06-15&to=2026-06-01", ReportFiles.XlsxType))
            .ProblemAsync(422, "validation_failed");

        var doc = await (await server.Anonymous().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();
        var content = doc.GetProperty("paths").GetProperty("/api/v1/reports/engagement").GetProperty("get").GetProperty("responses")
            .GetProperty("200").GetProperty("content");
        Assert.Equal(new[] { "application/json", ReportFiles.CsvType, ReportFiles.XlsxType }.Order(), content.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void FileName_WithoutChapter_NamesOrganisationAndPeriod()
    {
        var report = new EngagementReport(Guid.NewGuid(), "Foreningen for hørselshemmede", "Europe/Oslo", null, null,
            new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), [], [], []);
        Assert.Equal("engagement_Foreningen for hørselshemmede_2026-01-01_2026-12-31.csv", ReportFiles.FileName(report, "csv"));
        Assert.Equal("attachment; filename=\"engagement_Foreningen-for-horselshemmede_2026-01-01_2026-12-31.csv\"; " +
                     "filename*=UTF-8''engagement_Foreningen%20for%20h%C3%B8rselshemmede_2026-01-01_2026-12-31.csv",
            ReportFiles.ContentDisposition(ReportFiles.FileName(report, "csv")));
    }
}
