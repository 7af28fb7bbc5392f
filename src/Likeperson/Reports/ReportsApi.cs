using System.Security.Claims;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace Likeperson.Reports;

/// <summary>Reports: the engagement report as JSON, CSV or xlsx, chosen by `Accept`.</summary>
public static class ReportsApi
{
    public static void MapReportsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/reports").WithTags("Reports").RequireAuthorization();
        group.MapGet("/engagement", Engagement).Produces<EngagementReport>(StatusCodes.Status200OK).ProducesProblems(400, 403, 422)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Besides JSON (EngagementReport's schema), the same 200 as a file: CSV text or an xlsx workbook.
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
                {
                    content[ReportFiles.CsvType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                    content[ReportFiles.XlsxType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                }
                return Task.CompletedTask;
            })
            .WithSummary("Engagement per mentor for a period (dates in the organisation's time zone, at most 366 days; default year to date), " +
                         "with totals per chapter and mentor-days per month; coordinators (own chapters) and org admins. " +
                         "Accept: text/csv or the xlsx type downloads it as a file.");
    }

    /// <summary>JSON is SQL's document sent as it is; a download is built from it.</summary>
    private static async Task<Results<ContentHttpResult, FileContentHttpResult>> Engagement(ClaimsPrincipal user, Db db, TimeProvider clock,
        HttpContext http, string? from, string? to, [FromQuery(Name = "chapter_id")] Guid? chapterId, CancellationToken ct)
    {
        var json = await EngagementReport.ReadJsonAsync(db, user.PersonId(), from, to, chapterId, clock.GetUtcNow(), ct);
        return ReportFiles.Chosen(http.Request.Headers.Accept) is { } format
            ? ReportFiles.Download(EngagementReport.Parse(json), format, http)
            : TypedResults.Content(json, "application/json; charset=utf-8");
    }
}
