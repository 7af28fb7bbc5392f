using System.Security.Claims;
using Dapper;
using Likeperson.Database;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Likeperson.Auth;

/// <summary>A provider identity that no identity link maps to a person: 401 `identity_not_linked`.</summary>
public sealed class IdentityNotLinkedException() : Exception("The identity is not linked to a person.");

/// <summary>A provider identity's link: the person it signs in as, and the link's own id.</summary>
public sealed record IdentityLink(Guid PersonId, Guid LinkId);

/// <summary>
/// Maps a provider identity `(iss, sub)` to a person through its identity link (identity_links; the SQL function
/// identity_person is the one place that decides), on every request: an unlinked identity is refused at once.
/// </summary>
public static class ProviderIdentity
{
    /// <summary>Claims of a principal that came from a provider: the identity's issuer and subject.</summary>
    public const string IssuerClaim = "lp_iss", SubjectClaim = "lp_provider_sub";

    public static async Task<IdentityLink?> FindAsync(Db db, string issuer, string subject, CancellationToken ct)
    {
        await using var conn = await db.App.OpenConnectionAsync(ct);
        var row = await conn.QueryFirstOrDefaultAsync<(Guid PersonId, Guid LinkId)?>(new CommandDefinition(
            "SELECT person_id, link_id FROM identity_person(@issuer, @subject)", new { issuer, subject }, cancellationToken: ct));
        return row is { } r ? new IdentityLink(r.PersonId, r.LinkId) : null;
    }

    /// <summary>
    /// The JwtBearer handler's OnTokenValidated for provider tokens: the principal becomes the linked person (`sub`), with
    /// `sid` = the link's id, so unlinking ends the streams the token opened (web_session_ended). An identity that
    /// Auth:SystemAdmins names as `&lt;issuer&gt;|&lt;sub&gt;` is that system admin.
    /// </summary>
    public static async Task MapAsync(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken token || string.IsNullOrEmpty(token.Subject))
        {
            context.Fail("The token has no subject.");
            return;
        }
        var http = context.HttpContext;
        var settings = http.RequestServices.GetRequiredService<AuthSettings>();
        var link = await FindAsync(http.RequestServices.GetRequiredService<Db>(), token.Issuer, token.Subject, http.RequestAborted);
        var systemAdmin = AuthSettings.ProviderSubject(token.Issuer, token.Subject);
        List<Claim> claims = [new(IssuerClaim, token.Issuer), new(SubjectClaim, token.Subject)];
        if (link is not null)
            claims.AddRange([new("sub", link.PersonId.ToString()), new("sid", link.LinkId.ToString())]);
        else if (settings.SystemAdmins.Contains(systemAdmin))
            claims.Add(new("sub", systemAdmin));
        else
        {
            context.Fail(new IdentityNotLinkedException());
            return;
        }
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, BearerAuthentication.ProviderScheme, "sub", null));
    }
}
