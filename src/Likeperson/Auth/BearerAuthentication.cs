using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Likeperson.Auth;

/// <summary>
/// `Authorization: Bearer` tokens (or `?access_token=` on the event stream, which browsers' EventSource needs), validated
/// by the framework's JwtBearer handler: HS256 tokens with Auth:JwtSecret (`sub` = person id) and, when Auth:Jwt:Authority
/// is set, the provider's tokens (keys from its discovery document and JWKS, refreshed when a token names an unknown key),
/// whose `(iss, sub)` an identity link maps to a person (<see cref="ProviderIdentity"/>). "Bearer" picks one of the two by
/// the token's (still unchecked) issuer, Auth:Issuer or another; each then checks everything itself. The principal carries `sub` = the person id,
/// and the ticket ends with the token (an event stream it opened ends then too, Realtime/StreamEnding.cs).
/// </summary>
public static class BearerAuthentication
{
    public const string SchemeName = "Bearer";
    public const string LocalScheme = "LocalBearer", ProviderScheme = "ProviderBearer";

    /// <summary>The algorithms a provider may sign with: asymmetric only, so a token "signed" with its public key is refused.</summary>
    private static readonly string[] ProviderAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static AuthenticationBuilder AddBearerAuthentication(this IServiceCollection services, AuthSettings settings)
    {
        var builder = services.AddAuthentication(SchemeName);
        builder.AddPolicyScheme(SchemeName, "Bearer token", o => o.ForwardDefaultSelector = http =>
            settings.JwtAuthority is not null && ReadToken(http.Request) is { } token && IssuerOf(token) is { } issuer && issuer != settings.Issuer
                ? ProviderScheme : LocalScheme);
        builder.AddJwtBearer(LocalScheme, o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = settings.ValidationParameters();
            o.Events = Events();
        });
        if (settings.JwtAuthority is { } jwtAuthority)
            builder.AddJwtBearer(ProviderScheme, o =>
            {
                o.Authority = jwtAuthority;
                o.Audience = settings.JwtAudience;
                o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.RefreshOnIssuerKeyNotFound = true; // a rotated-in key is fetched at its first token, without a restart
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudience = settings.JwtAudience,
                    ValidAlgorithms = ProviderAlgorithms,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                o.Events = Events();
                o.Events.OnTokenValidated = ProviderIdentity.MapAsync;
            });
        // After the framework made the provider's configuration manager: a key the provider removed from its JWKS is
        // refused at once, not accepted for another hour from the "last known good" configuration.
        services.PostConfigure<JwtBearerOptions>(ProviderScheme, o =>
        {
            if (o.ConfigurationManager is BaseConfigurationManager manager) manager.UseLastKnownGoodConfiguration = false;
        });
        return builder;
    }

    private static JwtBearerEvents Events() => new()
    {
        OnMessageReceived = context =>
        {
            context.Token = ReadToken(context.Request);
            return Task.CompletedTask;
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            if (context.AuthenticateFailure is IdentityNotLinkedException)
                await ProblemMapping.WriteAsync(context.HttpContext, 401, "identity_not_linked",
                    "This identity is not linked to a person here: ask your organisation for an invitation.");
            else
                await ProblemMapping.WriteAsync(context.HttpContext, 401, "unauthorized",
                    "A valid bearer token is required (missing, expired or badly signed).");
        },
        OnForbidden = context => ProblemMapping.WriteAsync(context.HttpContext, 403, "forbidden", "Your role does not allow this."),
    };

    private static string? ReadToken(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim() is { Length: > 0 } t ? t : null;
        if (request.Path.StartsWithSegments("/api/v1/events") && request.Query["access_token"].ToString() is { Length: > 0 } q)
            return q;
        return null;
    }

    /// <summary>The `iss` a token claims, unchecked (only to choose who checks it); null when it is no JWT.</summary>
    private static string? IssuerOf(string token)
    {
        try { return new JsonWebToken(token).Issuer; }
        catch (ArgumentException) { return null; }
    }
}

public static class PrincipalExtensions
{
    public static string Subject(this ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "";

    /// <summary>The person id from `sub`; a subject that is no UUID is no person of ours.</summary>
    public static Guid PersonId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.Subject(), out var id) ? id : Guid.Empty;
}
