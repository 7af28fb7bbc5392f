using System.Text.Json;
using Dapper;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>GET /mentors/{id} through HTTP: shape, ETag, current pause and scope.</summary>
public sealed class MentorGetApiTests(TestServer server) : IClassFixture<TestServer>
{
    private World World => new(server.Worker);

    [Fact]
    public async Task Get_ActiveMentor_Returns200WithShapeAndETag()
    {
        var org = await World.StandardOrgAsync();
        var response = await server.As(org.MentorA).GetAsync($"/api/v1/mentors/{org.MentorA}");
        var mentor = await response.ReadAsync<JsonElement>();
        ApiShape.HasMembers(mentor, "id", "display_name", "organization_id", "chapter_ids", "status", "version",
            "certification_expires_at", "current_pause", "listed_publicly");
        Assert.Equal($"\"{mentor.GetProperty("version").GetInt32()}\"", response.Headers.ETag?.ToString());
        Assert.Equal(("Mentor A", "active", JsonValueKind.Null), (mentor.GetProperty("display_name").GetString(),
            mentor.GetProperty("status").GetString(), mentor.GetProperty("current_pause").ValueKind));
        Assert.Equal([org.ChapterA], mentor.GetProperty("chapter_ids").EnumerateArray().Select(c => c.GetGuid()));
        ApiShape.IsDate(mentor.GetProperty("certification_expires_at"));
    }

    [Fact]
    public async Task Get_PausedMentor_IncludesTheCurrentPause()
    {
        var org = await World.StandardOrgAsync();
        await using (var conn = await server.Worker.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                UPDATE peer_mentors SET status = 'paused', version = 2 WHERE id = @MentorA;
                INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, paused_at, ended_at)
                VALUES (@MentorA, @Id, 'active', 'voluntary', 'old', now() - interval '30 days', now() - interval '20 days');
                INSERT INTO pause_records (mentor_id, organization_id, status, kind, pause_reason, expected_return_date, paused_at)
                VALUES (@MentorA, @Id, 'expired_cert', 'certification_expired', 'certification_expired', '2030-02-03', now() - interval '3 days 1 hour');
                """, org);
        var response = await server.As(org.CoordinatorA).GetAsync($"/api/v1/mentors/{org.MentorA}");
        var mentor = await response.ReadAsync<JsonElement>();
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
        Assert.Equal("paused", mentor.GetProperty("status").GetString());
        var pause = mentor.GetProperty("current_pause");
        ApiShape.HasMembers(pause, "id", "mentor_id", "status", "kind", "pause_reason", "expected_return_date", "paused_at",
            "reactivated_at", "ended_at", "duration_days", "coordinator_id");
        Assert.Equal(("expired_cert", "certification_expired", "2030-02-03", 3), (pause.GetProperty("status").GetString(),
            pause.GetProperty("kind").GetString(), pause.GetProperty("expected_return_date").GetString(), pause.GetProperty("duration_days").GetInt32()));
        ApiShape.IsUtcTimestamp(pause.GetProperty("paused_at"));
        Assert.Equal(JsonValueKind.Null, pause.GetProperty("ended_at").ValueKind);
    }

    [Fact]
    public async Task Get_OutsideScope_Returns404()
    {
        var org = await World.StandardOrgAsync();
        var other = await World.StandardOrgAsync();
        var url = $"/api/v1/mentors/{org.MentorA}";
        foreach (var client in new[] { server.As(org.MentorA2), server.As(org.CoordinatorB), server.As(other.Admin), server.As(other.MentorA),
                                       server.AsSystemAdmin(), server.As(Guid.NewGuid()) })
            await (await client.GetAsync(url)).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).GetAsync($"/api/v1/mentors/{org.CoordinatorA}")).ProblemAsync(404, "not_found"); // not a mentor
        await (await server.As(org.Admin).GetAsync($"/api/v1/mentors/{Guid.NewGuid()}")).ProblemAsync(404, "not_found");
        await (await server.As(org.Admin).GetAsync(url)).ReadAsync<JsonElement>();
    }
}
