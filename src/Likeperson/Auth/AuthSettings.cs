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
        return new AuthSettings
        {
            Issuer = config["Auth:Issuer"] ?? "likeperson",
            Audience = config["Auth:Audience"] ?? "likeperson",
            SigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            SystemAdmins = admins.ToHashSet(StringComparer.Ordinal),
        };
    }

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
