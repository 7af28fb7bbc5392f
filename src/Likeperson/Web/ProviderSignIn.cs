using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Organizations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Likeperson.Web;

/// <summary>
/// Web sign-in through the organisation's OpenID Connect provider (Auth:Oidc:*): the framework's OpenIdConnect handler
/// runs the authorization code flow with PKCE (callback /signin-oidc). On return the identity `(iss, sub)` is mapped
/// through its identity link to a person (identity_sign_in) and the usual session cookie starts (<see cref="WebSession"/>);
/// the provider's own ticket is never kept. An invitation (/invite/{code}) rides along in the flow's protected state and
/// links the identity first (<see cref="Invitations"/>). Nothing here is specific to one provider.
/// </summary>
public static class ProviderSignIn
{
    public const string Scheme = "oidc";
    public const string InvitationItem = "lp_invitation";
    private const string IdTokenHint = "lp_id_token_hint";

    /// <summary>How long a web session started at the provider lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static void AddProviderSignIn(this AuthenticationBuilder builder, AuthSettings auth)
    {
        if (auth.Oidc is not { } oidc) return;
        builder.AddOpenIdConnect(Scheme, oidc.DisplayName, o =>
        {
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // The code comes back on a top-level GET, so the flow's cookies can be SameSite=Lax like the session's (Secure: ProductionSessions).
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            o.MapInboundClaims = false;
            o.SaveTokens = true; // only into the flow's properties: the id token is the hint for signing out at the provider
            o.CallbackPath = "/signin-oidc";
            o.SignedOutCallbackPath = "/signout-callback-oidc";
            o.SignedOutRedirectUri = "/signin";
            o.SignInScheme = o.SignOutScheme = WebModule.CookieScheme;
            o.Events.OnRedirectToIdentityProvider = context =>
            {
                context.ProtocolMessage.UiLocales = context.HttpContext.RequestServices.GetRequiredService<Lang>().Code;
                return Task.CompletedTask;
            };
            o.Events.OnTicketReceived = CompleteAsync;
            o.Events.OnRemoteFailure = context =>
            {
                context.HandleResponse(); // the person cancelled at the provider, or the flow's state was stale
                context.Response.Redirect("/signin?failed=1");
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToIdentityProviderForSignOut = context =>
            {
                if (context.Properties.Items.TryGetValue(IdTokenHint, out var hint)) context.ProtocolMessage.IdTokenHint = hint;
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>`GET /signin/oidc?ReturnUrl=` starts the flow (the sign-in page's button); <see cref="Invitations"/> starts it with a code.</summary>
    public static void MapProviderSignIn(this WebApplication app)
    {
        app.MapGet("/signin/oidc", (HttpContext http, string? returnUrl, AuthSettings auth) => auth.Oidc is null
                ? Results.NotFound()
                : Results.Challenge(new AuthenticationProperties { RedirectUri = WebModule.IsLocalPath(returnUrl) ? returnUrl : "/" }, [Scheme]))
            .AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>The provider sent the person back: link (with an invitation), map to a person, start the session.</summary>
    private static async Task CompleteAsync(TicketReceivedContext context)
    {
        context.HandleResponse(); // the provider's ticket is not our session
        var http = context.HttpContext;
        var principal = context.Principal!;
        var subject = principal.FindFirst("sub");
        var issuer = principal.FindFirst("iss")?.Value ?? subject?.Issuer;
        if (subject is null || string.IsNullOrEmpty(issuer))
        {
            http.Response.Redirect("/signin?failed=1");
            return;
        }
        var db = http.RequestServices.GetRequiredService<Db>();
        var ct = http.RequestAborted;
        var properties = context.Properties!;
        if (properties.Items.TryGetValue(InvitationItem, out var code) && code is not null)
        {
            var outcome = await Invitations.AcceptAsync(db, code, issuer, subject.Value, ct);
            if (outcome != Invitations.Linked)
            {
                http.Response.Redirect($"/invite/{Uri.EscapeDataString(code)}?outcome={outcome}");
                return;
            }
        }
        var expires = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + Lifetime;
        // A system admin at the provider (Auth:SystemAdmins lists `<issuer>|<sub>`) starts a system admin's session: first run.
        if (http.RequestServices.GetRequiredService<AuthSettings>().SystemAdmins.Contains($"{issuer}|{subject.Value}"))
        {
            await WebSession.SignInSystemAdminAsync(http, $"{issuer}|{subject.Value}", expires);
            http.Response.Redirect(Pages.SignInModel.SystemAdminHome);
            return;
        }
        var session = Guid.NewGuid();
        await using var conn = await db.App.OpenConnectionAsync(ct);
        var person = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT identity_sign_in(@issuer, @subject, @session, @expires)",
            new { issuer, subject = subject.Value, session, expires }, cancellationToken: ct));
        var started = person is { } id && await WebSession.SignInAsync(http, db, id, expires, ct,
            new ProviderSession(session, issuer, properties.GetTokenValue(OpenIdConnectParameterNames.IdToken)));
        http.Response.Redirect(!started ? "/signin/unlinked"
            : WebModule.IsLocalPath(context.ReturnUri) ? context.ReturnUri! : "/"); // the handler moved RedirectUri here
    }

    /// <summary>
    /// After the local sign-out: when the session came from the provider and the provider has an end_session_endpoint,
    /// sends the browser there to sign out too (it comes back through /signout-callback-oidc to /signin). False: nothing to do.
    /// </summary>
    public static async Task<bool> SignOutAtProviderAsync(HttpContext http, string? idToken)
    {
        if (idToken is null || http.RequestServices.GetRequiredService<AuthSettings>().Oidc is null) return false;
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(Scheme);
        OpenIdConnectConfiguration configuration;
        try { configuration = await options.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted); }
        catch (InvalidOperationException) { return false; } // the provider is unreachable: the local sign-out stands
        if (string.IsNullOrEmpty(configuration.EndSessionEndpoint)) return false;
        await http.SignOutAsync(Scheme, new AuthenticationProperties { RedirectUri = "/signin", Items = { [IdTokenHint] = idToken } });
        return true;
    }
}

/// <summary>A session started at the provider: its id (recorded in identity_sessions), the issuer, and the id token for sign-out.</summary>
public sealed record ProviderSession(Guid SessionId, string Issuer, string? IdToken);
