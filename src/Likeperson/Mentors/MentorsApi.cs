using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Mentors;

/// <summary>Peer mentors: their status and pause history.</summary>
public static class MentorsApi
{
    public static void MapMentorsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/mentors").WithTags("Mentors").RequireAuthorization();
        group.MapGet("/{mentorId:guid}", Get).WithSummary("A peer mentor with their status and current pause (ETag = version).");
        group.MapGet("/{mentorId:guid}/pauses", PauseRoster.History)
            .WithSummary("All pause records of the mentor, oldest first, with duration_days (not paged: next_cursor is always null).");
        group.MapPost("/{mentorId:guid}/pause", MentorTransitions.Pause).ProducesProblems(403, 409, 412, 422)
            .WithSummary("active → paused (the mentor, their coordinator, org admin; If-Match optional).");
        group.MapPost("/{mentorId:guid}/reactivate", MentorTransitions.Reactivate).ProducesProblems(403, 409, 412, 422)
            .WithSummary("paused → active, or → pending_reactivation when the organisation requires acknowledgement and the mentor asks.");
        group.MapPost("/{mentorId:guid}/reactivation/acknowledge", MentorTransitions.Acknowledge).ProducesProblems(403, 409, 412, 422)
            .WithSummary("pending_reactivation → active (their coordinator, org admin).");
        group.MapPost("/{mentorId:guid}/reactivation/hold", MentorTransitions.Hold).ProducesProblems(403, 409, 412, 422)
            .WithSummary("pending_reactivation → paused (their coordinator, org admin).");
        group.MapPost("/{mentorId:guid}/deactivate", MentorTransitions.Deactivate).ProducesProblems(403, 409, 412, 422)
            .WithSummary("active, paused, pending_reactivation → inactive; reason required (their coordinator, org admin).");
        group.MapPut("/{mentorId:guid}/certification", MentorTransitions.SetCertification).ProducesProblems(403, 409, 412, 422)
            .WithSummary("Set the certification's expiry date; no status change (their coordinator, org admin).");
        group.MapPut("/{mentorId:guid}/listing", MentorListing.Put).ProducesProblems(403, 422)
            .WithSummary("Show or hide the mentor's name on their chapter's website feed (listed_publicly; the mentor only).");
        api.MapGet("/roster/paused", PauseRoster.Roster).WithTags("Mentors").RequireAuthorization().ProducesProblems(400, 422)
            .WithSummary("Paused and pending mentors in the caller's scope, newest pause first; overdue judged in the organisation's time zone.");
    }

    private static async Task<Ok<MentorResponse>> Get(Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        Respond(http, await ReadAsync(db, user.PersonId(), mentorId, clock.GetUtcNow(), ct));

    /// <summary>The mentor as the caller may see them (404 outside their scope), in one round trip: RLS decides visibility.</summary>
    public static Task<MentorResponse> ReadAsync(Db db, Guid personId, Guid mentorId, DateTimeOffset now, CancellationToken ct) =>
        db.AsPersonAtOnceAsync(personId, LoadSql, new DynamicParameters(new { mentorId }),
            async results => ToResponse(await results.ReadSingleOrDefaultAsync<MentorRow>(), now), ct);

    /// <summary>200 with the mentor; the ETag is their version (If-Match on a transition).</summary>
    public static Ok<MentorResponse> Respond(HttpContext http, MentorResponse mentor)
    {
        http.Response.Headers.ETag = $"\"{mentor.Version}\"";
        return TypedResults.Ok(mentor);
    }

    /// <summary>
    /// The mentor with their chapters and live pause, in one statement; RLS decides visibility, so an
    /// out-of-scope mentor is simply not found. Transitions send it in the same round trip as the
    /// transition function (see <see cref="MentorTransitions"/>).
    /// </summary>
    public const string LoadSql = $"""
        SELECT m.id, p.display_name, m.organization_id, m.status, m.version, m.certification_expires_at, m.listed_publicly,
               coalesce((SELECT array_agg(c.chapter_id ORDER BY c.chapter_id) FROM chapter_memberships c
                         WHERE c.person_id = m.id AND c.role = 'peer_mentor'), '{"{}"}') AS chapter_ids,
               pr.id AS pause_id, pr.status AS pause_status, pr.kind AS pause_kind, pr.pause_reason, pr.expected_return_date,
               pr.paused_at, pr.reactivated_at, pr.ended_at, pr.coordinator_id
        FROM peer_mentors m
        JOIN people p ON p.id = m.id
        LEFT JOIN pause_records pr ON pr.mentor_id = m.id AND pr.status IN ('paused', 'expired_cert')
        WHERE m.id = @mentorId
        """;

    public static MentorResponse ToResponse(MentorRow? row, DateTimeOffset now)
    {
        if (row is null) throw ApiException.NotFound("Mentor");
        var pause = row.PauseId is null ? null : new PauseRow
        {
            Id = row.PauseId.Value, MentorId = row.Id, Status = row.PauseStatus!, Kind = row.PauseKind!, PauseReason = row.PauseReason,
            ExpectedReturnDate = row.ExpectedReturnDate, PausedAt = row.PausedAt!.Value, ReactivatedAt = row.ReactivatedAt,
            EndedAt = row.EndedAt, CoordinatorId = row.CoordinatorId,
        }.ToResponse(now);
        return new MentorResponse(row.Id, row.DisplayName, row.OrganizationId, row.ChapterIds, SnakeCase.Parse<MentorStatus>(row.Status),
            row.Version, row.CertificationExpiresAt, pause, row.ListedPublicly);
    }

    public sealed class MentorRow
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public Guid OrganizationId { get; init; }
        public string Status { get; init; } = "";
        public int Version { get; init; }
        public DateOnly? CertificationExpiresAt { get; init; }
        public bool ListedPublicly { get; init; }
        public Guid[] ChapterIds { get; init; } = [];
        public Guid? PauseId { get; init; }
        public string? PauseStatus { get; init; }
        public string? PauseKind { get; init; }
        public string? PauseReason { get; init; }
        public DateOnly? ExpectedReturnDate { get; init; }
        public DateTime? PausedAt { get; init; }
        public DateTime? ReactivatedAt { get; init; }
        public DateTime? EndedAt { get; init; }
        public Guid? CoordinatorId { get; init; }
    }
}
