using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Likeperson.Auth;

namespace Likeperson.Operations;

/// <summary>
/// Operators: a system admin's bearer token (`Auth:SystemAdmins`), or the shared `Operations:AccessToken` a metrics
/// scraper holds. They read `token` endpoints and `/readyz`'s details; everyone else gets the status only.
/// </summary>
public sealed class OperatorAccess(OperationsOptions options, AuthSettings auth)
{
    public bool IsOperator(HttpContext http)
    {
        if (http.User is { Identity.IsAuthenticated: true } user && auth.SystemAdmins.Contains(user.Subject())) return true;
        var header = http.Request.Headers.Authorization.ToString();
        return options.AccessToken is { } token && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Answers `/metrics`, `/openapi/…` and `/swagger/…` as configured: on, off (404) or operators only (401).</summary>
    public static void UseOperationsExposure(WebApplication app)
    {
        var options = app.Services.GetRequiredService<OperationsOptions>();
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            ExposureMode? mode = path.StartsWithSegments("/metrics") ? options.Metrics
                : path.StartsWithSegments("/openapi") ? options.OpenApi
                : path.StartsWithSegments("/swagger") ? options.SwaggerUi
                : null;
            if (mode is null or ExposureMode.On || (mode == ExposureMode.Token && http.RequestServices.GetRequiredService<OperatorAccess>().IsOperator(http)))
                await next(http);
            else if (mode == ExposureMode.Off)
                await ProblemMapping.WriteAsync(http, 404, "not_found", "This endpoint is switched off on this server (Operations:*).");
            else
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await ProblemMapping.WriteAsync(http, 401, "unauthorized",
                    "This endpoint needs a system admin's token or the server's Operations:AccessToken as a bearer token.");
            }
        });
    }
}
