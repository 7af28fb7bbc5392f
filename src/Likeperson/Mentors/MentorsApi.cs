using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Mentors;

/// <summary>Peer mentors: their status and pause history.</summary>
public static class MentorsApi
{
    public static void MapMentorsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/mentors").WithTags("Mentors").RequireAuthorization();
        group.MapGet("/{mentorId:guid}", Get).WithSummary("A peer mentor with their status and current pause (ETag = version).");
    }

    private static async Task<IResult> Get(Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var mentor = await db.AsPersonAsync(user.PersonId(), s => LoadAsync(s.Connection, mentorId, clock), ct);
        http.Response.Headers.ETag = $"\"{mentor.Version}\"";
        return TypedResults.Ok(mentor);
    }

    /// <summary>One round trip; RLS decides visibility, so an out-of-scope mentor is simply not found.</summary>
    public static async Task<MentorResponse> LoadAsync(NpgsqlConnection conn, Guid mentorId, TimeProvider clock)
    {
        var row = await conn.QuerySingleOrDefaultAsync<MentorRow>($"""
            SELECT m.id, p.display_name, m.organization_id, m.status, m.version, m.certification_expires_at,
                   coalesce((SELECT array_agg(c.chapter_id ORDER BY c.chapter_id) FROM chapter_memberships c
                             WHERE c.person_id = m.id AND c.role = 'peer_mentor'), '{"{}"}') AS chapter_ids,
                   pr.id AS pause_id
            FROM peer_mentors m
            JOIN people p ON p.id = m.id
            LEFT JOIN pause_records pr ON pr.mentor_id = m.id AND pr.status IN ('paused', 'expired_cert')
            WHERE m.id = @mentorId
            """, new { mentorId });
        if (row is null) throw ApiException.NotFound("Mentor");
        PauseResponse? pause = null;
        if (row.PauseId is not null)
            pause = (await conn.QuerySingleAsync<PauseRow>($"SELECT {PauseRow.Columns} FROM pause_records WHERE id = @PauseId", row))
                .ToResponse(clock.GetUtcNow());
        return new MentorResponse(row.Id, row.DisplayName, row.OrganizationId, row.ChapterIds, SnakeCase.Parse<MentorStatus>(row.Status),
            row.Version, row.CertificationExpiresAt, pause);
    }

    private sealed class MentorRow
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public Guid OrganizationId { get; init; }
        public string Status { get; init; } = "";
        public int Version { get; init; }
        public DateOnly? CertificationExpiresAt { get; init; }
        public Guid[] ChapterIds { get; init; } = [];
        public Guid? PauseId { get; init; }
    }
}
