using Likeperson.Database;
using Likeperson.Jobs;
using Npgsql;

namespace Likeperson.Operations;

/// <summary>
/// Liveness and readiness. Readiness fails only when the database is unreachable or behind the code;
/// jobs that failed, did not run or left expired certifications active make it `degraded` (still 200).
/// Anyone gets the status; the reasons (which name organisations, counts and database errors) only operators.
/// </summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).WithTags("Operations").WithSummary("The process is alive.");
        app.MapGet("/readyz", Ready).WithTags("Operations")
            .Produces<ReadyStatus>(200).Produces<ReadyResponse>(200).Produces<ReadyStatus>(503)
            .WithSummary("Database reachable and schema current; also reports degraded states without failing.")
            .WithDescription("""
                `status` is `ready`, `degraded` (200) or `unavailable` (503). Anonymous callers get only `{status}`; a system admin's
                bearer token (or `Operations:AccessToken`) also gets `schema_version`, `expected_schema_version` and `problems`.
                """);
    }

    private static async Task<IResult> Ready(HttpContext http, Db db, JobHealth jobs, OperatorAccess operators, ILoggerFactory logs,
        CancellationToken ct)
    {
        var detailed = operators.IsOperator(http);
        var log = logs.CreateLogger(typeof(HealthApi));
        IResult Answer(ReadyResponse r, int status)
        {
            if (r.Problems.Length > 0 && !detailed) log.LogWarning("Readiness {Status}: {Problems}", r.Status, string.Join("; ", r.Problems));
            return detailed ? TypedResults.Json(r, statusCode: status) : TypedResults.Json(new ReadyStatus(r.Status), statusCode: status);
        }

        int version;
        try
        {
            await using var conn = await db.App.OpenConnectionAsync(ct);
            version = await Migrator.CurrentVersionAsync(conn, ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return Answer(new ReadyResponse("unavailable", 0, Migrator.Latest, [$"database unreachable: {e.Message}"]), 503);
        }
        if (version != Migrator.Latest)
            return Answer(new ReadyResponse("unavailable", version, Migrator.Latest,
                [$"schema is at version {version}, this build needs {Migrator.Latest}: run the migrate verb"]), 503);
        IReadOnlyList<string> degraded;
        try { degraded = await jobs.DegradedAsync(ct); }
        catch (NpgsqlException e) { degraded = [$"job health could not be read: {e.Message}"]; }
        return Answer(new ReadyResponse(degraded.Count > 0 ? "degraded" : "ready", version, Migrator.Latest, [.. degraded]), 200);
    }

    /// <summary>What anyone may know: ready, degraded or unavailable.</summary>
    public sealed record ReadyStatus(string Status);

    /// <summary>What operators see.</summary>
    public sealed record ReadyResponse(string Status, int SchemaVersion, int ExpectedSchemaVersion, string[] Problems);
}
