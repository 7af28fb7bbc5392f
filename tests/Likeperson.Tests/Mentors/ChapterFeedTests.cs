using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Likeperson.Mentors;
using Likeperson.Tests.Assignments;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Mentors;

/// <summary>
/// The chapter website feed (`GET /api/v1/public/chapters/{chapter_id}/mentors`) and the mentor's opt-in
/// (`PUT /api/v1/mentors/{id}/listing`): only active mentors of that chapter with a certification that has not expired in
/// the organisation's time zone who opted in, display names only, no authentication, cacheable (ETag, 304).
/// </summary>
public sealed class ChapterFeedTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    private static string Feed(Guid chapter) => $"/api/v1/public/chapters/{chapter}/mentors";

    private Task<HttpResponseMessage> ListAsync(Guid mentor, bool? listed, Guid? as_ = null) =>
        server.As(as_ ?? mentor).PutAsJsonAsync($"/api/v1/mentors/{mentor}/listing", new { listed_publicly = listed });

    private async Task<string[]> NamesAsync(Guid chapter)
    {
        var response = await server.Anonymous().GetAsync(Feed(chapter));
        var feed = await response.ReadAsync<JsonElement>();
        return feed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("display_name").GetString()!).ToArray();
    }

    private async Task SqlAsync(string sql, object args)
    {
        await using var conn = await server.Worker.OpenConnectionAsync();
        await conn.ExecuteAsync(sql, args);
    }

    [Fact]
    public async Task Feed_ListsOnlyTheChaptersMentorsWhoOptedIn_ByDisplayNameOnly_WithoutAuthentication()
    {
        var org = await _world.StandardOrgAsync();
        Assert.Empty(await NamesAsync(org.ChapterA)); // default: nobody is listed

        var saved = await (await ListAsync(org.MentorA, true)).ReadAsync<MentorListingResponse>();
        Assert.Equal((org.MentorA, true), (saved.MentorId, saved.ListedPublicly));
        await (await ListAsync(org.MentorB, true)).ReadAsync<MentorListingResponse>(); // chapter B

        var response = await server.Anonymous().GetAsync(Feed(org.ChapterA));
        var body = await response.ReadAsync<JsonElement>();
        Assert.Equal("""{"items": [{"display_name": "Mentor A"}]}""", body.GetRawText());
        Assert.Equal(["Mentor B"], await NamesAsync(org.ChapterB));
        Assert.True((await server.As(org.MentorA).GetMentorAsync(org.MentorA)).ListedPublicly);

        await (await ListAsync(org.MentorA, false)).ReadAsync<MentorListingResponse>();
        Assert.Empty(await NamesAsync(org.ChapterA));
    }

    [Fact]
    public async Task Feed_APause_RemovesTheMentorAtOnce_AndReactivationBringsThemBack()
    {
        var org = await _world.StandardOrgAsync();
        await (await ListAsync(org.MentorA, true)).ReadAsync<MentorListingResponse>();
        await (await ListAsync(org.MentorA2, true)).ReadAsync<MentorListingResponse>();
        Assert.Equal(["Mentor A", "Mentor A2"], await NamesAsync(org.ChapterA));

        (await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause", new { reason = "Holiday" })).EnsureSuccessStatusCode();
        Assert.Equal(["Mentor A2"], await NamesAsync(org.ChapterA));

        (await server.As(org.MentorA).TransitionAsync(org.MentorA, "reactivate")).EnsureSuccessStatusCode();
        Assert.Equal(["Mentor A", "Mentor A2"], await NamesAsync(org.ChapterA));
        await server.Worker.SetMentorStatusAsync(org.MentorA2, "inactive");
        Assert.Equal(["Mentor A"], await NamesAsync(org.ChapterA));
    }

    [Fact]
    public async Task Feed_AnExpiredCertification_RemovesTheMentorAtOnce_JudgedInTheOrganisationsTimeZone()
    {
        // An organisation far ahead of UTC: its "today" differs from UTC's for half of every day.
        var org = await _world.StandardOrgAsync();
        await SqlAsync("UPDATE organizations SET timezone = 'Pacific/Kiritimati' WHERE id = @Id", org);
        await (await ListAsync(org.MentorA, true)).ReadAsync<MentorListingResponse>();
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati")));

        await SqlAsync("UPDATE peer_mentors SET certification_expires_at = @d WHERE id = @id", new { d = localToday, id = org.MentorA });
        Assert.Equal(["Mentor A"], await NamesAsync(org.ChapterA)); // valid through its last day

        await SqlAsync("UPDATE peer_mentors SET certification_expires_at = @d WHERE id = @id", new { d = localToday.AddDays(-1), id = org.MentorA });
        Assert.Empty(await NamesAsync(org.ChapterA)); // expired, though the nightly job has not paused them yet

        await SqlAsync("UPDATE peer_mentors SET certification_expires_at = NULL WHERE id = @id", new { id = org.MentorA });
        Assert.Empty(await NamesAsync(org.ChapterA)); // no certification date: not certified
    }

    [Fact]
    public async Task Feed_ETagAndPublicCaching_AndIfNoneMatchIs304UntilTheListChanges()
    {
        var org = await _world.StandardOrgAsync();
        await (await ListAsync(org.MentorA, true)).ReadAsync<MentorListingResponse>();
        var client = server.Anonymous();

        var first = await client.GetAsync(Feed(org.ChapterA));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal("public, max-age=60", first.Headers.CacheControl!.ToString());

        var again = new HttpRequestMessage(HttpMethod.Get, Feed(org.ChapterA));
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        await (await ListAsync(org.MentorA2, true)).ReadAsync<MentorListingResponse>();
        var changed = new HttpRequestMessage(HttpMethod.Get, Feed(org.ChapterA));
        changed.Headers.IfNoneMatch.Add(etag);
        var fresh = await client.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual(etag, fresh.Headers.ETag);
    }

    [Fact]
    public async Task Feed_UnknownChapter_Is404Problem()
    {
        var response = await server.Anonymous().GetAsync(Feed(Guid.NewGuid()));
        await response.ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task Listing_OnlyTheMentorThemself_Others403Or404_AndAValueIsRequired()
    {
        var org = await _world.StandardOrgAsync();
        var other = await _world.StandardOrgAsync();

        await (await ListAsync(org.MentorA, true, as_: org.CoordinatorA)).ProblemAsync(403, "forbidden");
        await (await ListAsync(org.MentorA, true, as_: org.Admin)).ProblemAsync(403, "forbidden");
        await (await ListAsync(org.MentorA, true, as_: org.MentorA2)).ProblemAsync(404, "not_found");
        await (await ListAsync(org.MentorA, true, as_: other.Admin)).ProblemAsync(404, "not_found");
        await (await ListAsync(Guid.NewGuid(), true, as_: org.MentorA)).ProblemAsync(404, "not_found");
        var problem = await (await ListAsync(org.MentorA, null)).ProblemAsync(422, "validation_failed");
        Assert.Equal(["listed_publicly"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var anonymous = await server.Anonymous().PutAsJsonAsync($"/api/v1/mentors/{org.MentorA}/listing", new { listed_publicly = true });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        Assert.Empty(await NamesAsync(org.ChapterA));
        Assert.False((await server.As(org.MentorA).GetMentorAsync(org.MentorA)).ListedPublicly);
    }
}
