using System.Security.Claims;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Organizations;

public sealed record InvitationResponse(Guid Id, string Url, DateTime ExpiresAt);
public sealed record IdentityLinkResponse(Guid Id, string Issuer, string Subject, DateTime LinkedAt, DateTime? LastSignInAt);

/// <summary>Invitations (a one-time sign-in link for a person) and the provider identities linked to a person.</summary>
public static class InvitationsApi
{
    public static void MapInvitationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/organizations/{orgId:guid}/people/{personId:guid}").WithTags("Setup").RequireAuthorization();
        group.MapPost("/invitations", Create)
            .WithSummary("Invite a person to sign in: a one-time link, valid Auth:InvitationDays days (org admin; coordinator of one of the person's chapters).")
            .ProducesProblems(403, 404);
        group.MapGet("/identities", List).WithSummary("The provider identities linked to the person (org admin).").ProducesProblems(403, 404);
        group.MapDelete("/identities/{identityId:guid}", Unlink)
            .WithSummary("Unlink an identity (org admin): its next request is refused and its open event streams end within 30 seconds.")
            .ProducesProblems(403, 404);
    }

    private static async Task<Created<InvitationResponse>> Create(Guid orgId, Guid personId, ClaimsPrincipal user, HttpContext http, Db db,
        AuthSettings auth, CancellationToken ct)
    {
        var invitation = await Invitations.CreateAsync(http, db, user.PersonId(), orgId, personId, auth.InvitationDays, ct);
        return TypedResults.Created(invitation.Url, invitation);
    }

    private static async Task<Ok<Page<IdentityLinkResponse>>> List(Guid orgId, Guid personId, ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(new Page<IdentityLinkResponse>(await IdentityLinks.ListAsync(db, user.PersonId(), orgId, personId, ct), null));

    private static async Task<NoContent> Unlink(Guid orgId, Guid personId, Guid identityId, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        await IdentityLinks.UnlinkAsync(db, user.PersonId(), orgId, personId, identityId, ct);
        return TypedResults.NoContent();
    }
}
