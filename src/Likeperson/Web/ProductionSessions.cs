using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Likeperson.Database;

namespace Likeperson.Web;

/// <summary>
/// Sessions that hold in production: cookies Secure outside Development (and the tests' plain-http host, "Testing"), HSTS
/// outside Development, `X-Forwarded-*` honoured only from ForwardedHeaders:KnownProxies / KnownNetworks (a TLS-terminating
/// proxy), and the data-protection keys in PostgreSQL (<see cref="DataProtectionKeys"/>) so every instance accepts every
/// session.
/// </summary>
public static class ProductionSessions
{
    public static IServiceCollection AddProductionSessions(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        services.AddDataProtection().SetApplicationName("Likeperson");
        services.AddOptions<KeyManagementOptions>().Configure<WorkerDataSource>((o, worker) => o.XmlRepository = new DataProtectionKeys(worker));

        var secure = WebSession.IsPlainHttpHost(env) ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.PostConfigure<CookieAuthenticationOptions>(WebModule.CookieScheme, o => o.Cookie.SecurePolicy = secure);
        // The antiforgery cookie follows the request: a Secure-only one would make the framework refuse a plain-http page (a 500).
        services.Configure<AntiforgeryOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.PostConfigure<OpenIdConnectOptions>(ProviderSignIn.Scheme, o =>
            o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = secure);

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear(); // only what is configured: by default nobody's X-Forwarded-* is believed
            o.KnownIPNetworks.Clear();
            foreach (var proxy in List(config, "ForwardedHeaders:KnownProxies"))
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var ip) ? ip
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is no IP address."));
            foreach (var network in List(config, "ForwardedHeaders:KnownNetworks"))
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var n) ? n
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is no network (CIDR, e.g. 10.0.0.0/8)."));
        });
        return services;
    }

    /// <summary>First in the pipeline: the proxy's scheme and client address, then HSTS for https requests outside Development.</summary>
    public static void UseProductionSessions(this WebApplication app)
    {
        if (List(app.Configuration, "ForwardedHeaders:KnownProxies").Length + List(app.Configuration, "ForwardedHeaders:KnownNetworks").Length > 0)
            app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
    }

    private static string[] List(IConfiguration config, string key) =>
        config.GetSection(key).Get<string[]>() is { Length: > 0 } items ? items
        : (config[key] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
