using Likeperson.Auth;

namespace Likeperson.Demo;

/// <summary>Development only: sign in as a demo person without an identity provider. Not mapped outside Development.</summary>
public static class DemoApi
{
    public const string SystemAdminSubject = "demo-system-admin";

    public static void MapDemoApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/demo").WithTags("Development");
        group.MapGet("/people", () => TypedResults.Ok(new Page<DemoData.DemoPerson>(DemoData.People, null)))
            .WithSummary("The demo people (Development only).");
        group.MapPost("/tokens/{subject}", (string subject, AuthSettings auth) =>
                DemoData.People.Any(p => p.Id.ToString() == subject) || subject == SystemAdminSubject
                    ? TypedResults.Ok(new DemoToken(auth.Mint(subject, TimeSpan.FromHours(12)), "Bearer", 43200))
                    : throw ApiException.NotFound("Demo person"))
            .ProducesProblems(404).WithSummary("A 12-hour token for a demo person or the demo system admin (Development only).");
    }

    /// <summary>A bearer token for a demo person: `token_type` Bearer, `expires_in` seconds.</summary>
    public sealed record DemoToken(string AccessToken, string TokenType, int ExpiresIn);

    public static string SignInHelp(string baseUrl) => string.Join(Environment.NewLine,
        [
            $"Likeperson is running at {baseUrl}  (API docs: {baseUrl}/swagger)",
            $"Web UI: open {baseUrl}/ and pick a demo person to sign in as",
            "Demo sign-in (Development): get a token with",
            $"  curl -s -X POST {baseUrl}/api/v1/demo/tokens/<id>",
            "Demo people:",
            .. DemoData.People.Select(p => $"  {p.DisplayName,-20} {p.Role,-45} id {p.Id}"),
            $"  {"System admin",-20} {"creates organisations",-45} id {SystemAdminSubject}",
        ]);
}
