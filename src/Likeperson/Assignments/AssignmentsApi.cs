using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Assignments;

/// <summary>
/// Assignments: the pairing of a peer mentor with a contact. Every rule lives in the SQL
/// functions of migration 0004 (assignment_create, assignment_update, activity_record), which
/// check authorisation, lock, write, queue milestones and publish the change event; the
/// endpoints validate the shape of the request and map the functions' refusals.
/// </summary>
public static class AssignmentsApi
{
    public static void MapAssignmentsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assignments").WithTags("Assignments").RequireAuthorization();
        group.MapPost("/", Create).Produces<AssignmentResponse>(201).ProducesProblems(403, 409, 422)
            .WithSummary("Assign a peer mentor to a contact (coordinator of the contact's chapter, org admin).");
        group.MapAssignmentBatch();
        group.MapGet("/", AssignmentList.Get).Produces<AssignmentPageDoc>().ProducesProblems(400, 422)
            .WithSummary("Assignments in the caller's scope, newest first, with the stream position the snapshot is consistent with.");
        group.MapGet("/{assignmentId:guid}", Get).Produces<AssignmentResponse>().WithSummary("One assignment (ETag = version).");
        group.MapPatch("/{assignmentId:guid}", Update).Accepts<UpdateAssignmentRequest>("application/json").Produces<AssignmentResponse>()
            .ProducesProblems(403, 409, 412, 422).WithSummary("Move the status forward and/or change the notes (If-Match: \"version\" optional).");
        group.MapPost("/{assignmentId:guid}/activities", RecordActivity).ProducesProblems(403, 409, 422)
            .WithSummary("Record a contact or other activity (with duration_minutes, participants, mode); last_contact_date becomes the latest activity time.");
        group.MapGet("/{assignmentId:guid}/activities", AssignmentActivities.Get).ProducesProblems(400, 422)
            .WithSummary("The assignment's recorded activities, newest first (occurred_at), keyset-paged (limit, cursor).");
    }

    // Each endpoint sends the caller's identity and its one statement as one batch (Db.AsPersonAtOnceAsync): the functions
    // check the caller themselves, and the transaction commits in PostgreSQL right after the function, so the mentor's row
    // lock (creates of one mentor queue on it) is never held across a round trip to the server.
    private static async Task<IResult> Create(CreateAssignmentRequest body, ClaimsPrincipal user, Db db, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var notes = Validation.Clean(body.Notes);
        new Validation()
            .Check(body.PeerMentorId is not null && body.PeerMentorId != Guid.Empty, "peer_mentor_id", "peer_mentor_id is required.")
            .Check(body.ContactId is not null && body.ContactId != Guid.Empty, "contact_id", "contact_id is required.")
            .ThrowIfAny(); // the status and the notes' length are assignment_create's to judge
        var row = await db.AsPersonAtOnceAsync(user.PersonId(), """
            SELECT assignment_json(a)::text AS json, a.version
            FROM assignment_create(@PeerMentorId::uuid, @ContactId::uuid, @status::text, @notes::text, @now::timestamptz) a
            """,
            new DynamicParameters(new { body.PeerMentorId, body.ContactId, status = SnakeCase.Of(body.Status ?? AssignmentStatus.Open), notes, now = clock.GetUtcNow() }),
            results => results.ReadSingleAsync<AssignmentJsonRow>(), ct);
        var id = JsonDocument.Parse(row.Json).RootElement.GetProperty("id").GetString();
        return row.ToResult(http, 201, $"/api/v1/assignments/{id}");
    }

    private static async Task<IResult> Get(Guid assignmentId, ClaimsPrincipal user, Db db, HttpContext http, CancellationToken ct)
    {
        var row = await db.AsPersonAtOnceAsync(user.PersonId(),
            "SELECT assignment_json(a)::text AS json, a.version FROM assignments a WHERE a.id = @assignmentId",
            new DynamicParameters(new { assignmentId }),
            results => results.ReadSingleOrDefaultAsync<AssignmentJsonRow>(), ct);
        return (row ?? throw ApiException.NotFound("Assignment")).ToResult(http);
    }

    private static async Task<IResult> Update(Guid assignmentId, ClaimsPrincipal user, Db db, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var patch = AssignmentPatch.Parse(await AssignmentPatch.ReadBodyAsync(http.Request, ct));
        var row = await AssignmentChanges.UpdateAsync(db, user.PersonId(), assignmentId, patch, AssignmentPatch.ExpectedVersion(http.Request),
            clock.GetUtcNow(), ct);
        return row.ToResult(http);
    }

    // Every rule (occurred_at required and not in the future, the lengths of kind and note, the measures' bounds, an active
    // mentor) is activity_record's.
    private static async Task<Created<ActivityResponse>> RecordActivity(Guid assignmentId, RecordActivityRequest body, ClaimsPrincipal user, Db db,
        TimeProvider clock, CancellationToken ct) =>
        TypedResults.Created((string?)null, await AssignmentChanges.RecordActivityAsync(db, user.PersonId(), assignmentId, body.OccurredAt,
            body.Kind, body.Note, new ActivityMeasures(body.DurationMinutes, body.Participants, body.Mode), clock.GetUtcNow(), ct));
}
