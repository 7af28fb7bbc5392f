using System.Security.Claims;
using Dapper;
using Likeperson.Assignments;
using Likeperson.Auth;
using Likeperson.Database;

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
    public static Task<IResult> Pause(Guid mentorId, PauseRequest? body,
        ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        RunAsync("mentor_pause(@mentorId, @Reason::text, @ExpectedReturnDate::date, @expected::int, @now::timestamptz)",
            new { mentorId, body?.Reason, body?.ExpectedReturnDate }, mentorId, user, db, clock, http, ct);

    public static Task<IResult> Reactivate(Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        RunAsync("mentor_reactivate(@mentorId, @expected::int, @now::timestamptz)", new { mentorId }, mentorId, user, db, clock, http, ct);

    public static Task<IResult> Acknowledge(Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        RunAsync("mentor_acknowledge(@mentorId, @expected::int, @now::timestamptz)", new { mentorId }, mentorId, user, db, clock, http, ct);

    public static Task<IResult> Hold(Guid mentorId, ReasonRequest? body,
        ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        RunAsync("mentor_hold(@mentorId, @Reason::text, @expected::int, @now::timestamptz)",
            new { mentorId, body?.Reason }, mentorId, user, db, clock, http, ct);

    public static Task<IResult> Deactivate(Guid mentorId, ReasonRequest? body,
        ClaimsPrincipal user, Db db, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        RunAsync("mentor_deactivate(@mentorId, @Reason::text, @expected::int, @now::timestamptz)",
            new { mentorId, body?.Reason }, mentorId, user, db, clock, http, ct);

    public static Task<IResult> SetCertification(Guid mentorId, CertificationRequest body, ClaimsPrincipal user, Db db, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        RunAsync("mentor_certification_set(@mentorId, @ExpiresAt::date, @expected::int, @now::timestamptz)",
            new { mentorId, body.ExpiresAt }, mentorId, user, db, clock, http, ct);

    /// <summary>
    /// One transaction and one round trip: the caller's identity, the transition function, then the mentor as it left
    /// them (ETag = new version), so the organisation's stream counter, locked by the change event until commit, is not
    /// held across an extra round trip. The function checks who the caller is (an unknown person is 404 there).
    /// </summary>
    private static async Task<IResult> RunAsync(string call, object args, Guid mentorId, ClaimsPrincipal user, Db db, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var parameters = new DynamicParameters(args);
        parameters.Add("expected", AssignmentPatch.ExpectedVersion(http.Request));
        parameters.Add("now", clock.GetUtcNow());
        parameters.Add("mentorId", mentorId);
        var mentor = await db.AsPersonAtOnceAsync(user.PersonId(), $"SELECT version FROM {call};\n{MentorsApi.LoadSql}", parameters,
            async results =>
            {
                await results.ReadAsync<int>();
                return MentorsApi.ToResponse(await results.ReadSingleOrDefaultAsync<MentorsApi.MentorRow>(), clock);
            }, ct);
        http.Response.Headers.ETag = $"\"{mentor.Version}\"";
        return TypedResults.Ok(mentor);
    }
}
