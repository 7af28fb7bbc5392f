using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Likeperson.Auth;

/// <summary>Token validation settings (Auth:*). Outside Development a secret must be configured.</summary>
public sealed class AuthSettings
{
    /// <summary>Only for Development: lets the demo run without configuration. Never accepted elsewhere.</summary>
    public const string DevelopmentSecret = "likeperson-development-secret-not-for-production-use-0123456789";

    public required string Issuer { get; init; }
    public required string Audience { get; init; }
    public required SymmetricSecurityKey SigningKey { get; init; }
    public required IReadOnlySet<string> SystemAdmins { get; init; }

    /// <summary>An OpenID Connect provider whose access tokens the API accepts (Auth:Jwt:Authority, Auth:Jwt:Audience); null: none.</summary>
    public string? JwtAuthority { get; init; }
    public string? JwtAudience { get; init; }

    /// <summary>Web sign-in through a provider (Auth:Oidc:*); null when not configured.</summary>
    public OidcSettings? Oidc { get; init; }

    /// <summary>False lets a provider's metadata be plain http (tests, closed networks); production keeps https.</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>How many days an invitation link is valid (Auth:InvitationDays).</summary>
    public int InvitationDays { get; init; } = 7;

    public static AuthSettings FromConfiguration(IConfiguration config, IHostEnvironment env)
    {
        var secret = config["Auth:JwtSecret"];
        if (string.IsNullOrEmpty(secret))
            secret = env.IsDevelopment() ? DevelopmentSecret : throw new InvalidOperationException(
                "Auth:JwtSecret is not set: outside Development the server needs the HS256 secret its tokens are signed with (at least 32 bytes).");
        if (Encoding.UTF8.GetByteCount(secret) < 32)
            throw new InvalidOperationException("Auth:JwtSecret must be at least 32 bytes long for HS256.");
        var admins = config.GetSection("Auth:SystemAdmins").Get<string[]>()
                     ?? (config["Auth:SystemAdmins"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var jwtAuthority = Nonempty(config["Auth:Jwt:Authority"]);
        var jwtAudience = Nonempty(config["Auth:Jwt:Audience"]);
        if (jwtAuthority is not null && jwtAudience is null)
            throw new InvalidOperationException("Auth:Jwt:Authority is set but Auth:Jwt:Audience is not: name the audience the provider's access tokens carry for this API.");
        var days = config.GetValue<int?>("Auth:InvitationDays") ?? 7;
        if (days is < 1 or > 365)
            throw new InvalidOperationException("Auth:InvitationDays must be between 1 and 365.");
        return new AuthSettings
        {
            Issuer = config["Auth:Issuer"] ?? "likeperson",
            Audience = config["Auth:Audience"] ?? "likeperson",
            SigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            SystemAdmins = admins.ToHashSet(StringComparer.Ordinal),
            JwtAuthority = jwtAuthority,
            JwtAudience = jwtAudience,
            Oidc = OidcSettings.FromConfiguration(config),
            RequireHttpsMetadata = config.GetValue<bool?>("Auth:RequireHttpsMetadata") ?? true,
            InvitationDays = days,
        };
    }

    private static string? Nonempty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The subject `Auth:SystemAdmins` names a provider identity by: `&lt;issuer&gt;|&lt;sub&gt;`.</summary>
    public static string ProviderSubject(string issuer, string subject) => $"{issuer}|{subject}";

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    /// <summary>Mints a token; used by the Development demo sign-in, the tests and the benchmark.</summary>
    public string Mint(string subject, TimeSpan lifetime, DateTime? now = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>Web sign-in through an OpenID Connect provider: all four of Auth:Oidc:Authority, ClientId, ClientSecret, DisplayName.</summary>
public sealed record OidcSettings(string Authority, string ClientId, string ClientSecret, string DisplayName)
{
    public static OidcSettings? FromConfiguration(IConfiguration config)
    {
        string?[] values = [config["Auth:Oidc:Authority"], config["Auth:Oidc:ClientId"], config["Auth:Oidc:ClientSecret"], config["Auth:Oidc:DisplayName"]];
        if (values.All(string.IsNullOrWhiteSpace)) return null;
        if (values.Any(string.IsNullOrWhiteSpace))
            throw new InvalidOperationException(
                "Web sign-in needs all of Auth:Oidc:Authority, Auth:Oidc:ClientId, Auth:Oidc:ClientSecret and Auth:Oidc:DisplayName (the button's label).");
        return new OidcSettings(values[0]!.Trim(), values[1]!.Trim(), values[2]!, values[3]!.Trim());
    }
}
