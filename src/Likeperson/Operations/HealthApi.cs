using Likeperson.Database;
using Likeperson.Jobs;
using Npgsql;

namespace Likeperson.Operations;

/// <summary>
/// Liveness and readiness. Readiness fails only when the database is unreachable or behind the code;
/// jobs that failed, did not run or left expired certifications active make it `degraded` (still 200).
/// </summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).WithTags("Operations").WithSummary("The process is alive.");
        app.MapGet("/readyz", Ready).WithTags("Operations")
            .WithSummary("Database reachable and schema current; also reports degraded states without failing.");
    }

    private static async Task<IResult> Ready(Db db, JobHealth jobs, CancellationToken ct)
    {
        int version;
        try
        {
            await using var conn = await db.App.OpenConnectionAsync(ct);
            version = await Migrator.CurrentVersionAsync(conn, ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return TypedResults.Json(new ReadyResponse("unavailable", 0, Migrator.Latest, [$"database unreachable: {e.Message}"]), statusCode: 503);
        }
        if (version != Migrator.Latest)
            return TypedResults.Json(new ReadyResponse("unavailable", version, Migrator.Latest,
                [$"schema is at version {version}, this build needs {Migrator.Latest}: run the migrate verb"]), statusCode: 503);
        IReadOnlyList<string> degraded;
        try { degraded = await jobs.DegradedAsync(ct); }
        catch (NpgsqlException e) { degraded = [$"job health could not be read: {e.Message}"]; }
        return TypedResults.Ok(new ReadyResponse(degraded.Count > 0 ? "degraded" : "ready", version, Migrator.Latest, [.. degraded]));
    }

    public sealed record ReadyResponse(string Status, int SchemaVersion, int ExpectedSchemaVersion, string[] Problems);
}
