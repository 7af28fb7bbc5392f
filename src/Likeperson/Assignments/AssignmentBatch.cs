using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;

namespace Likeperson.Assignments;

/// <summary>`POST /assignments/batch`: 1 to 500 assignments at once.</summary>
public sealed record CreateAssignmentsRequest(IReadOnlyList<CreateAssignmentRequest?>? Items);

/// <summary>The created assignments in the order of the request, each exactly as `GET /assignments/{id}` returns it.</summary>
public sealed record CreatedAssignments(IReadOnlyList<AssignmentResponse> Items);

/// <summary>
/// Batch dispatch: several assignments in one transaction and one round trip, all or nothing. The rules are those of
/// one create, applied per item in order by the SQL function assignment_create_batch (migration 0017), which calls
/// assignment_create for each item; a refusal names every failing item as `items[i].field`. The endpoint and the web
/// page `/assignments/new` call the same <see cref="Create"/>.
/// </summary>
public static class AssignmentBatch
{
    public const int MaxItems = 500;

    public static RouteHandlerBuilder MapAssignmentBatch(this RouteGroupBuilder group) =>
        group.MapPost("/batch", Post).Accepts<CreateAssignmentsRequest>("application/json").Produces<CreatedAssignments>(201)
            .ProducesProblems(403, 409, 422)
            .WithSummary("Create 1 to 500 assignments at once, all or nothing (same roles and rules as one create, applied per item in order).")
            .WithDescription("Sequences, honorarium milestones and assignment.created events are exactly as if the items were created one by one, "
                + "in order. A refusal refuses the whole batch and changes nothing: status and code are those of the first failing item, and "
                + "`errors` names every failing item's field as `items[i].peer_mentor_id` (or `contact_id`, `status`, `notes`). A mentor or "
                + "contact outside the caller's scope is 404 `not_found`, exactly as for one create.");

    private static async Task<IResult> Post(CreateAssignmentsRequest body, ClaimsPrincipal user, Db db, TimeProvider clock, CancellationToken ct)
    {
        var json = await db.AsPersonAtOnceAsync(user.PersonId(), Create(Checked(body.Items), clock.GetUtcNow()), ct);
        return Results.Text(json, "application/json", Encoding.UTF8, 201);
    }

    /// <summary>
    /// The shape of a batch, as one create checks it: the items are there and each names a mentor and a contact.
    /// How many items a batch may hold (1 to 500) and everything else is assignment_create_batch's to judge.
    /// </summary>
    public static IReadOnlyList<CreateAssignmentRequest> Checked(IReadOnlyList<CreateAssignmentRequest?>? items)
    {
        if (items is null)
            throw new ApiException(422, "validation_failed", "items is required.",
                new Dictionary<string, string[]> { ["items"] = [$"items must hold 1 to {MaxItems} assignments."] });
        var validation = new Validation();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
                throw new ApiException(400, "malformed_request", $"items[{i}] is not an object.");
            validation
                .Check(item.PeerMentorId is not null && item.PeerMentorId != Guid.Empty, $"items[{i}].peer_mentor_id", "peer_mentor_id is required.")
                .Check(item.ContactId is not null && item.ContactId != Guid.Empty, $"items[{i}].contact_id", "contact_id is required.");
        }
        validation.ThrowIfAny();
        return items.Select(i => i!).ToList();
    }

    /// <summary>The batch as one statement: `{"items": [...]}` as assignment_json renders each created assignment.</summary>
    public static Statement<string> Create(IReadOnlyList<CreateAssignmentRequest> items, DateTimeOffset now)
    {
        var json = JsonSerializer.Serialize(items.Select(i => new Dictionary<string, object?>
        {
            ["peer_mentor_id"] = i.PeerMentorId, ["contact_id"] = i.ContactId,
            ["status"] = SnakeCase.Of(i.Status ?? AssignmentStatus.Open), ["notes"] = Validation.Clean(i.Notes),
        }));
        return new Statement<string>(
            "SELECT jsonb_build_object('items', assignment_create_batch(@items::jsonb, @now::timestamptz))::text AS json",
            new DynamicParameters(new { items = json, now }), async results => (await results.ReadSingleAsync<JsonText>()).Json);
    }

    private sealed class JsonText
    {
        public string Json { get; init; } = "";
    }
}
