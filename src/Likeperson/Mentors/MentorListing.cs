using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Mentors;

/// <summary>`PUT /mentors/{id}/listing` body: whether the mentor's name is shown on their chapter's website.</summary>
public sealed record ListingRequest(bool? ListedPublicly);

/// <summary>The mentor's choice as it was saved.</summary>
public sealed record MentorListingResponse(Guid MentorId, bool ListedPublicly);

/// <summary>
/// A mentor's opt-in to the chapter website feed (<see cref="ChapterFeedApi"/>). Every rule (only the mentor themself:
/// coordinators and admins 403, anyone else 404; a value is required) is mentor_set_listing's (migration 0021); the
/// endpoint and `/my` save through <see cref="SetAsync"/>.
/// </summary>
public static class MentorListing
{
    public static async Task<Ok<MentorListingResponse>> Put(Guid mentorId, ListingRequest? body, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await SetAsync(db, user.PersonId(), mentorId, body?.ListedPublicly, ct));

    /// <summary>Saves <paramref name="listed"/> as <paramref name="personId"/>, in one round trip.</summary>
    public static async Task<MentorListingResponse> SetAsync(Db db, Guid personId, Guid mentorId, bool? listed, CancellationToken ct)
    {
        var row = await db.AsPersonAtOnceAsync(personId, "SELECT id, listed_publicly FROM mentor_set_listing(@mentorId, @listed::boolean)",
            new DynamicParameters(new { mentorId, listed }), results => results.ReadSingleAsync<Row>(), ct);
        return new MentorListingResponse(row.Id, row.ListedPublicly);
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public bool ListedPublicly { get; init; }
    }
}
