using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using MiniExcelLibs;

namespace Likeperson.Reports;

/// <summary>
/// The engagement report as a file: CSV (RFC 4180, UTF-8 with a byte-order mark so that Excel reads Norwegian letters
/// right) or xlsx, one row per mentor with the JSON's names as column headers, named after organisation, chapter and period.
/// </summary>
public static class ReportFiles
{
    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public enum Format { Csv, Xlsx }

    /// <summary>The file format the `Accept` header prefers (highest quality first), or null for JSON.</summary>
    public static Format? Chosen(StringValues accept)
    {
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types)) return null;
        foreach (var type in types.OrderByDescending(t => t.Quality ?? 1))
        {
            if (type.MediaType.Equals(CsvType, StringComparison.OrdinalIgnoreCase)) return Format.Csv;
            if (type.MediaType.Equals(XlsxType, StringComparison.OrdinalIgnoreCase)) return Format.Xlsx;
            if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.MatchesAllTypes) return null;
        }
        return null;
    }

    public static FileContentHttpResult Download(EngagementReport report, Format format, HttpContext http)
    {
        var (bytes, type) = Render(report, format, http);
        return TypedResults.File(bytes, type);
    }

    /// <summary>The file's bytes and media type; sets its Content-Disposition on the response (the endpoint and the page).</summary>
    public static (byte[] Bytes, string Type) Render(EngagementReport report, Format format, HttpContext http)
    {
        var (bytes, type, extension) = format == Format.Csv ? (Csv(report), CsvType + "; charset=utf-8", "csv") : (Xlsx(report), XlsxType, "xlsx");
        http.Response.Headers.ContentDisposition = ContentDisposition(FileName(report, extension));
        return (bytes, type);
    }

    public static readonly string[] Columns =
    [
        "mentor_id", "display_name", "chapter_ids", "days_active", "days_paused_voluntary", "days_paused_by_coordinator",
        "days_paused_certification", "pauses", "certification_lapses", "assignments_opened", "assignments_completed",
        "activities", "activity_minutes",
    ];

    /// <summary>One mentor's cells in <see cref="Columns"/> order. Lists are joined with "; ", a lapse is "expired_on paused_at renewed_on" ("-" for none).</summary>
    public static object[] Cells(EngagementRow r) =>
    [
        r.MentorId.ToString(), r.DisplayName, string.Join("; ", r.ChapterIds), r.DaysActive, r.DaysPausedVoluntary,
        r.DaysPausedByCoordinator, r.DaysPausedCertification, r.Pauses, string.Join("; ", r.CertificationLapses.Select(Lapse)),
        r.AssignmentsOpened, r.AssignmentsCompleted, r.Activities, r.ActivityMinutes,
    ];

    public static string Lapse(CertificationLapse l) =>
        $"{l.ExpiredOn?.ToString("yyyy-MM-dd") ?? "-"} {l.PausedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {l.RenewedOn?.ToString("yyyy-MM-dd") ?? "-"}";

    public static byte[] Csv(EngagementReport report)
    {
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = true }, leaveOpen: true))
        {
            csv.WriteHeader(Columns);
            foreach (var row in report.Items)
                csv.WriteRecord(Cells(row).Select(c => Convert.ToString(c, CultureInfo.InvariantCulture) ?? "").ToArray());
        }
        return stream.ToArray();
    }

    public static byte[] Xlsx(EngagementReport report)
    {
        var rows = report.Items.Select(r => Columns.Zip(Cells(r)).ToDictionary(c => c.First, c => c.Second)).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(rows.Count > 0 ? rows : [Columns.ToDictionary(c => c, _ => (object)"")], sheetName: "engagement");
        return stream.ToArray();
    }

    /// <summary>engagement_{organisation}[_{chapter}]_{from}_{to}.{extension}</summary>
    public static string FileName(EngagementReport report, string extension) =>
        string.Join('_', new[] { "engagement", report.OrganizationName, report.ChapterName, $"{report.From:yyyy-MM-dd}", $"{report.To:yyyy-MM-dd}" }
            .Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim())) + "." + extension;

    /// <summary>`attachment; filename="…"` with an ASCII-safe name (æ → ae, ø → o, å → a, others dropped) and `filename*` in UTF-8.</summary>
    public static string ContentDisposition(string name) =>
        $"attachment; filename=\"{Ascii(name)}\"; filename*=UTF-8''{Uri.EscapeDataString(name)}";

    public static string Ascii(string name)
    {
        var spelled = name.Replace("Æ", "Ae").Replace("æ", "ae").Replace("Ø", "O").Replace("ø", "o").Replace("Å", "A").Replace("å", "a")
            .Normalize(NormalizationForm.FormD);
        var text = new StringBuilder();
        foreach (var c in spelled)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            text.Append(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-' ? c : c == ' ' ? '-' : '\0');
        }
        return text.ToString().Replace("\0", "");
    }
}
