using System.Security.Claims;
using Dapper;
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

    private static async Task<Ok<Page<IdentityLinkResponse>>> List(Guid orgId, Guid personId, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        var links = await db.AsPersonAtOnceAsync(user.PersonId(), new Statement<List<IdentityLinkResponse>>(
            "SELECT id, issuer, subject, linked_at, last_sign_in_at FROM identity_links_of(@orgId, @personId)",
            new DynamicParameters(new { orgId, personId }),
            r => r.ReadAsync<IdentityLinkResponse>()), ct);
        return TypedResults.Ok(new Page<IdentityLinkResponse>(links, null));
    }

    private static async Task<NoContent> Unlink(Guid orgId, Guid personId, Guid identityId, ClaimsPrincipal user, Db db, CancellationToken ct)
    {
        await db.AsPersonAtOnceAsync(user.PersonId(), new Statement<int>("SELECT 1 FROM identity_unlink(@orgId, @personId, @identityId)",
            new DynamicParameters(new { orgId, personId, identityId }), r => r.ReadSingleAsync<int>()), ct);
        return TypedResults.NoContent();
    }
}
