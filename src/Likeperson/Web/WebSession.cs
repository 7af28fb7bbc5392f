using System.Security.Claims;
using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Likeperson.Web;

/// <summary>
/// The session cookie (encrypted by ASP.NET Core data protection, HttpOnly): it carries the person's id (`sub`), their
/// name and their organisation's time zone, nothing else, and ends at a fixed time. What the person may see and do is
/// read from the database on every request (the pages call the features in-process as that person, under row-level
/// security), never from the cookie; a person who no longer exists has their session ended (<see cref="Pages.AppPage"/>).
/// </summary>
public static class WebSession
{
    public const string NameClaim = "lp_name";
    public const string TimeZoneClaim = "lp_tz";

    /// <summary>The session's own id: signing out records it (web_session_ends), which ends the session on every instance.</summary>
    public const string SessionClaim = "sid";

    private const string IdTokenName = "id_token";

    /// <summary>
    /// Development, and the tests' host ("Testing"): plain http on loopback, so cookies are not Secure-only
    /// (<see cref="ProductionSessions"/>), and a pasted bearer token may start a session.
    /// </summary>
    public static bool IsPlainHttpHost(IHostEnvironment env) => env.IsDevelopment() || env.IsEnvironment("Testing");

    /// <summary>Pasting a bearer token into /signin: Development (and the tests' host, "Testing") only.</summary>
    public static bool TokenSignInAllowed(IHostEnvironment env) => IsPlainHttpHost(env);

    /// <summary>The provider's id token of a session started there (null otherwise): the hint for signing out there.</summary>
    public static async Task<string?> ProviderIdTokenAsync(HttpContext http) =>
        (await http.AuthenticateAsync(WebModule.CookieScheme)).Properties?.GetTokenValue(IdTokenName);

    /// <summary>Marks a system admin's session (<see cref="SignInSystemAdminAsync"/>); a person's session has none.</summary>
    public const string KindClaim = "lp_kind";
    public const string SystemAdminKind = "system_admin";

    /// <summary>How long a demo sign-in lasts (Development).</summary>
    public static readonly TimeSpan DemoLifetime = TimeSpan.FromHours(12);

    /// <summary>
    /// Starts a session for the person until <paramref name="expires"/>; false (no cookie) when they are no person here.
    /// A session started at the identity provider (<see cref="ProviderSignIn"/>) keeps the id it was recorded under, and
    /// the id token that signs it out there too.
    /// </summary>
    public static async Task<bool> SignInAsync(HttpContext http, Db db, Guid personId, DateTimeOffset expires, CancellationToken ct,
        ProviderSession? provider = null)
    {
        WhoAmIResponse me;
        try { me = await WhoAmIApi.ReadAsync(db, personId, ct); }
        catch (ApiException) { return false; }
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", me.Person.Id.ToString()),
            new Claim(NameClaim, me.Person.DisplayName),
            new Claim(TimeZoneClaim, me.Organization.Timezone),
            new Claim(SessionClaim, (provider?.SessionId ?? Guid.NewGuid()).ToString()),
            // When the session ends, for whoever reads the principal without its ticket (the event stream ends then).
            new Claim("exp", expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], WebModule.CookieScheme, NameClaim, null);
        var properties = new AuthenticationProperties { IsPersistent = false, ExpiresUtc = expires };
        if (provider?.IdToken is { } idToken) properties.StoreTokens([new AuthenticationToken { Name = IdTokenName, Value = idToken }]);
        await http.SignInAsync(WebModule.CookieScheme, new ClaimsPrincipal(identity), properties);
        // A first sign-in records the UI's language as the person's notification language (a later choice is kept).
        await PersonLanguage.SetAsync(db, me.Person.Id, http.RequestServices.GetRequiredService<Lang>().Code, onlyIfUnset: true, ct);
        return true;
    }

    /// <summary>
    /// Starts a system admin's session (a subject of Auth:SystemAdmins, no person): it opens /admin/organizations and
    /// nothing else (every person page sends it there, <see cref="Pages.AppPage"/>), so it never reads person data.
    /// </summary>
    public static Task SignInSystemAdminAsync(HttpContext http, string subject, DateTimeOffset expires)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", subject),
            new Claim(KindClaim, SystemAdminKind),
            new Claim(SessionClaim, Guid.NewGuid().ToString()),
            new Claim("exp", expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], WebModule.CookieScheme, "sub", null);
        return http.SignInAsync(WebModule.CookieScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = false, ExpiresUtc = expires });
    }

    public static bool IsSystemAdmin(this ClaimsPrincipal user) => user.HasClaim(KindClaim, SystemAdminKind);

    /// <summary>
    /// A pasted bearer token, validated exactly as the API validates one: the subject it names (a person's id, or a system
    /// admin's subject) and when the API stops accepting it (its expiry plus the allowed clock skew), which is when the
    /// session it starts ends. Null when refused.
    /// </summary>
    public static async Task<(string Subject, DateTimeOffset Until)?> ReadTokenAsync(string token, AuthSettings auth)
    {
        token = token.Trim();
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) token = token[7..].Trim();
        if (token.Length is 0 or > 8192) return null;
        var parameters = auth.ValidationParameters();
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.ClaimsIdentity.FindFirst("sub")?.Value is not { Length: > 0 } subject) return null;
        return (subject, new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero) + parameters.ClockSkew);
    }

    /// <summary>
    /// Ends the signed-in session everywhere (its pages and its event streams on every instance), then here. A system
    /// admin's session is ended under the nil identity: no person (so nothing is readable), but web_session_end needs one.
    /// </summary>
    public static async Task SignOutAsync(HttpContext http, Db db)
    {
        if (SessionId(http.User) is { } session
            && long.TryParse(http.User.FindFirst("exp")?.Value, out var exp))
            await db.AsPersonAtOnceAsync(http.User.IsSystemAdmin() ? Guid.Empty : http.User.PersonId(), "SELECT web_session_end(@session, @expires)",
                new Dapper.DynamicParameters(new { session, expires = DateTimeOffset.FromUnixTimeSeconds(exp) }),
                async results => { await results.SkipAsync(); return true; }, http.RequestAborted);
        await http.SignOutAsync(WebModule.CookieScheme);
    }

    /// <summary>Whether the session was signed out (on any instance): the first-run page asks; person pages read it in their frame.</summary>
    public static Task<bool> EndedAsync(Db db, ClaimsPrincipal user, CancellationToken ct) =>
        db.AsPersonAtOnceAsync(Guid.Empty, "SELECT web_session_ended(@session)", new Dapper.DynamicParameters(new { session = SessionId(user) }),
            results => results.ReadSingleAsync<bool>(), ct);

    public static Guid? SessionId(ClaimsPrincipal user) => Guid.TryParse(user.FindFirst(SessionClaim)?.Value, out var id) ? id : null;

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirst(NameClaim)?.Value ?? "";
}
