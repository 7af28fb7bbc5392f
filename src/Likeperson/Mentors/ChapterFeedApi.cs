using System.Security.Cryptography;
using System.Text;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Mentors;

/// <summary>The feed's shape (documentation): the display names of the chapter's listed mentors, by name.</summary>
public sealed record ChapterFeed(IReadOnlyList<ChapterFeedItem> Items);

public sealed record ChapterFeedItem(string DisplayName);

/// <summary>
/// The chapter website feed, `GET /public/chapters/{chapter_id}/mentors`: no authentication, display names only. The rule
/// (active, certification not expired in the organisation's time zone, opted in) is the SQL function
/// chapter_public_mentors (migration 0021), read at request time, so a pause or an expiry removes a mentor at once; the
/// 60 s public cache is the only delay a website sees. The ETag is a hash of the body: an unchanged list answers
/// If-None-Match with 304.
/// </summary>
public static class ChapterFeedApi
{
    public const string CacheControl = "public, max-age=60";

    public static void MapChapterFeedApi(this RouteGroupBuilder api) =>
        api.MapGet("/public/chapters/{chapterId:guid}/mentors", Get).WithTags("Chapter website").AllowAnonymous()
            .Produces<ChapterFeed>().Produces(304).ProducesProblem(404)
            .WithSummary("The chapter's active, certified mentors who opted in (listed_publicly): display names only. No authentication; " +
                         "ETag and Cache-Control: public, max-age=60; If-None-Match answers 304.");

    private static async Task<IResult> Get(Guid chapterId, Db db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var json = await ReadAsync(db, chapterId, clock.GetUtcNow(), ct);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32]}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = CacheControl;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() is var tag && (tag == etag || tag == "W/" + etag || tag == "*"))))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Text(json, "application/json", Encoding.UTF8);
    }

    /// <summary>The feed as JSON text, read without a person (the function is granted to the application role); an unknown chapter is 404.</summary>
    public static async Task<string> ReadAsync(Db db, Guid chapterId, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.App.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<string>(new CommandDefinition("SELECT chapter_public_mentors(@chapterId, @now)::text",
            new { chapterId, now }, cancellationToken: ct)) ?? "{\"items\": []}";
    }
}
