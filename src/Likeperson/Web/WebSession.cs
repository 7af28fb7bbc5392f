using System.Security.Claims;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Likeperson.Web;

/// <summary>
/// The session cookie: it carries the person's bearer token (encrypted by ASP.NET Core data protection, HttpOnly, so
/// page scripts never see it) and ends when the token expires. Signing in means exchanging a token for this cookie;
/// the token is checked by the API itself (`GET /api/v1/me`), so the UI accepts exactly what the API accepts.
/// </summary>
public static class WebSession
{
    public const string TokenClaim = "lp_token";
    public const string NameClaim = "lp_name";
    public const string RoleClaim = "lp_role";
    public const string TimeZoneClaim = "lp_tz";

    /// <summary>Returns null (and sets no cookie) when the API refuses the token or the subject is no person here.</summary>
    public static async Task<WhoAmIResponse?> SignInAsync(HttpContext http, LoopbackApi api, string token, CancellationToken ct)
    {
        token = token.Trim();
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = token[7..].Trim();
        if (token.Length is 0 or > 8192) return null;
        ApiResult<WhoAmIResponse> me;
        try { me = await api.SendAsync<WhoAmIResponse>(HttpMethod.Get, "me", null, ct, token); }
        catch (SessionExpiredException) { return null; }
        if (!me.Ok || me.Value is null) return null;
        var expires = new JsonWebToken(token).ValidTo;
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", me.Value.Person.Id.ToString()),
            new Claim(NameClaim, me.Value.Person.DisplayName),
            new Claim(TokenClaim, token),
            new Claim(TimeZoneClaim, me.Value.Organization.Timezone),
            .. me.Value.Roles.Select(r => new Claim(RoleClaim, r)),
        ], WebModule.CookieScheme, NameClaim, RoleClaim);
        await http.SignInAsync(WebModule.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            IsPersistent = false,
            ExpiresUtc = expires > DateTime.UtcNow ? expires : DateTime.UtcNow.AddMinutes(5),
        });
        return me.Value;
    }

    public static Guid PersonId(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirst("sub")?.Value, out var id) ? id : Guid.Empty;
    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirst(NameClaim)?.Value ?? "";
    public static bool HasRole(this ClaimsPrincipal user, string role) => user.HasClaim(RoleClaim, role);
    public static bool Supervises(this ClaimsPrincipal user) => user.HasRole("coordinator") || user.HasRole("org_admin");
}
