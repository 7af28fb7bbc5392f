using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Likeperson.Auth;

/// <summary>
/// Validates `Authorization: Bearer` tokens (or `?access_token=` on the event stream, which
/// browsers' EventSource needs). The principal carries only `sub`; roles come from the database.
/// </summary>
public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AuthSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken();
        if (token is null)
            return AuthenticateResult.NoResult();
        var result = await Handler.ValidateTokenAsync(token, settings.ValidationParameters());
        if (!result.IsValid)
            return AuthenticateResult.Fail(result.Exception?.Message ?? "invalid token");
        var sub = result.ClaimsIdentity.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(sub))
            return AuthenticateResult.Fail("token has no sub");
        var identity = new ClaimsIdentity([new Claim("sub", sub)], SchemeName, "sub", null);
        // The ticket ends with the token: an event stream it opened ends then too (Realtime/StreamEnding.cs).
        var properties = new AuthenticationProperties { ExpiresUtc = new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero) };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName));
    }

    private string? ReadToken()
    {
        string header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
        if (Request.Path.StartsWithSegments("/api/v1/events") && Request.Query["access_token"].ToString() is { Length: > 0 } q)
            return q;
        return null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ProblemMapping.WriteAsync(Context, 401, "unauthorized", "A valid bearer token is required (missing, expired or badly signed).");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemMapping.WriteAsync(Context, 403, "forbidden", "Your role does not allow this.");
}

public static class PrincipalExtensions
{
    public static string Subject(this ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "";

    /// <summary>The person id from `sub`; a subject that is no UUID is no person of ours.</summary>
    public static Guid PersonId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.Subject(), out var id) ? id : Guid.Empty;
}
