using System.Security.Claims;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Mentors;

/// <summary>
/// The status transitions of API.md "Peer mentor status". Every rule (who may, from which status,
/// reason and date limits, the expected version, certification) lives in the SQL functions of
/// migration 0003, which lock the mentor, write status, pause record, status log, outbox row and
/// change event in the request's one transaction; these handlers only read the body (malformed JSON
/// is 400), pass If-Match through and answer 200 with the mentor as that transaction leaves them.
/// </summary>
public static class MentorTransitions
{
    public static async Task<Ok<MentorResponse>> Pause(Guid mentorId, PauseRequest? body,
        ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        MentorsApi.Respond(http, await ApplyAsync(db, user.PersonId(), mentorId, MentorTransition.Pause(body?.Reason, body?.ExpectedReturnDate),
            AssignmentPatch.ExpectedVersion(http.Request), clock.GetUtcNow(), ct));

    public static async Task<Ok<MentorResponse>> Reactivate(Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        MentorsApi.Respond(http, await ApplyAsync(db, user.PersonId(), mentorId, MentorTransition.Reactivate,
            AssignmentPatch.ExpectedVersion(http.Request), clock.GetUtcNow(), ct));

    public static async Task<Ok<MentorResponse>> Acknowledge(Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        MentorsApi.Respond(http, await ApplyAsync(db, user.PersonId(), mentorId, MentorTransition.Acknowledge,
            AssignmentPatch.ExpectedVersion(http.Request), clock.GetUtcNow(), ct));

    public static async Task<Ok<MentorResponse>> Hold(Guid mentorId, ReasonRequest? body,
        ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        MentorsApi.Respond(http, await ApplyAsync(db, user.PersonId(), mentorId, MentorTransition.Hold(body?.Reason),
            AssignmentPatch.ExpectedVersion(http.Request), clock.GetUtcNow(), ct));

    public static async Task<Ok<MentorResponse>> Deactivate(Guid mentorId, ReasonRequest? body,
        ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        MentorsApi.Respond(http, await ApplyAsync(db, user.PersonId(), mentorId, MentorTransition.Deactivate(body?.Reason),
            AssignmentPatch.ExpectedVersion(http.Request), clock.GetUtcNow(), ct));

    public static async Task<Ok<MentorResponse>> SetCertification(Guid mentorId, CertificationRequest body, ClaimsPrincipal user, Db db, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        MentorsApi.Respond(http, await ApplyAsync(db, user.PersonId(), mentorId, MentorTransition.Certification(body.ExpiresAt),
            AssignmentPatch.ExpectedVersion(http.Request), clock.GetUtcNow(), ct));

    /// <summary>
    /// Applies a transition as <paramref name="personId"/> (the endpoints and the web pages alike) and returns the mentor as
    /// it left them. One transaction and one round trip: the caller's identity, the transition function, then the mentor
    /// (new version), so the organisation's stream counter, locked by the change event until commit, is not held across an
    /// extra round trip. The function checks who the caller is (an unknown person is 404 there); refusals are raised in
    /// SQL and reach the caller as <see cref="Npgsql.PostgresException"/> (mapped by <see cref="ProblemMapping"/>).
    /// </summary>
    public static Task<MentorResponse> ApplyAsync(Db db, Guid personId, Guid mentorId, MentorTransition transition, int? expectedVersion,
        DateTimeOffset now, CancellationToken ct)
    {
        var parameters = new DynamicParameters(transition.Args);
        parameters.Add("expected", expectedVersion);
        parameters.Add("now", now);
        parameters.Add("mentorId", mentorId);
        return db.AsPersonAtOnceAsync(personId, $"SELECT version FROM {transition.Call};\n{MentorsApi.LoadSql}", parameters,
            async results =>
            {
                await results.ReadAsync<int>();
                return MentorsApi.ToResponse(await results.ReadSingleOrDefaultAsync<MentorsApi.MentorRow>(), now);
            }, ct);
    }
}

/// <summary>One of the transition functions of migration 0003 with its arguments (the rules are all in SQL).</summary>
public sealed record MentorTransition(string Call, object? Args)
{
    public static MentorTransition Pause(string? reason, DateOnly? expectedReturnDate) =>
        new("mentor_pause(@mentorId, @reason::text, @expectedReturnDate::date, @expected::int, @now::timestamptz)", new { reason, expectedReturnDate });

    public static readonly MentorTransition Reactivate = new("mentor_reactivate(@mentorId, @expected::int, @now::timestamptz)", null);

    public static readonly MentorTransition Acknowledge = new("mentor_acknowledge(@mentorId, @expected::int, @now::timestamptz)", null);

    public static MentorTransition Hold(string? reason) => new("mentor_hold(@mentorId, @reason::text, @expected::int, @now::timestamptz)", new { reason });

    public static MentorTransition Deactivate(string? reason) =>
        new("mentor_deactivate(@mentorId, @reason::text, @expected::int, @now::timestamptz)", new { reason });

    public static MentorTransition Certification(DateOnly? expiresAt) =>
        new("mentor_certification_set(@mentorId, @expiresAt::date, @expected::int, @now::timestamptz)", new { expiresAt });
}
