using System.Text.Json;

namespace Likeperson.Assignments;

/// <summary>
/// A PATCH body read as raw JSON, because the rules depend on which members are present: a
/// member that is there but null clears the notes, and any immutable member (peer_mentor_id,
/// contact_id, …) is refused with 422 immutable_field even when its value is unchanged.
/// </summary>
public sealed record AssignmentPatch(string? Status, bool SetNotes, string? Notes)
{
    /// <summary>Members of an assignment that no PATCH may carry: fixed at creation or managed by the server.</summary>
    private static readonly HashSet<string> Immutable =
    [
        "id", "peer_mentor_id", "contact_id", "organization_id", "mentor_assignment_sequence", "created_at", "created_by",
        "closed_at", "closed_by", "honorarium_threshold_triggered", "last_contact_date", "version",
    ];

    /// <summary>Read by hand rather than bound, so that the OpenAPI document shows the documented body shape.</summary>
    public static async Task<JsonElement> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
            throw new ApiException(415, "unsupported_media_type", "Send the changes as application/json.");
        return await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct); // malformed: 400 via ProblemMapping
    }

    public static AssignmentPatch Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new ApiException(400, "malformed_request", "The body must be a JSON object such as {\"status\": \"pending\"}.");
        var immutable = body.EnumerateObject().Where(p => Immutable.Contains(p.Name)).Select(p => p.Name).Distinct().ToArray();
        if (immutable.Length > 0)
            throw new ApiException(422, "immutable_field",
                $"{string.Join(", ", immutable)} cannot be changed: reassignment means completing this assignment and creating a new one; " +
                "the other members are set by the server.",
                immutable.ToDictionary(n => n, n => new[] { $"{n} cannot be changed." }));

        string? status = null, notes = null;
        var setNotes = false;
        var v = new Validation();
        foreach (var member in body.EnumerateObject())
        {
            switch (member.Name)
            {
                case "status":
                    status = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                    if (status is not ("open" or "pending" or "completed"))
                        throw new ApiException(400, "malformed_request", "status must be one of open, pending, completed.");
                    break;
                case "notes":
                    if (member.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        throw new ApiException(400, "malformed_request", "notes must be a string or null.");
                    setNotes = true;
                    notes = Validation.Clean(member.Value.GetString());
                    v.Check(notes is not { Length: > 2000 }, "notes", "notes may be at most 2000 characters.");
                    break;
                default:
                    v.Add(member.Name, "Unknown member: a PATCH may carry only status and notes.");
                    break;
            }
        }
        v.ThrowIfAny();
        return new AssignmentPatch(status, setNotes, notes);
    }

    /// <summary>The version an `If-Match: "N"` header expects (null without the header or with `*`).</summary>
    public static int? ExpectedVersion(HttpRequest request)
    {
        var values = request.Headers.IfMatch.SelectMany(h => (h ?? "").Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToArray();
        if (values.Length == 0 || values is ["*"]) return null;
        if (values.Length > 1)
            throw new ApiException(400, "malformed_request", "If-Match takes one entity tag, the version from the ETag header.");
        var tag = values[0].StartsWith("W/", StringComparison.Ordinal) ? values[0][2..] : values[0];
        // A tag that is no version of ours can never match: 412 like any stale one.
        return int.TryParse(tag.Trim('"'), out var version) ? version : -1;
    }
}
