using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Likeperson.Organizations;

public sealed record WhoAmIPerson(Guid Id, string DisplayName);
public sealed record WhoAmIOrganization(Guid Id, string Name, string Timezone);
public sealed record WhoAmIChapter(Guid Id, string Name, string[] Roles);

/// <summary>`roles`: `org_admin`, `coordinator`, `peer_mentor` (each at most once); `chapters`: where the person holds a role.</summary>
public sealed record WhoAmIResponse(WhoAmIPerson Person, WhoAmIOrganization Organization, string[] Roles, IReadOnlyList<WhoAmIChapter> Chapters);

/// <summary>`GET /me`: who the caller is (the web UI builds its navigation from it). Read from the database, never from claims.</summary>
public static class WhoAmIApi
{
    public static void MapWhoAmIApi(this RouteGroupBuilder api) =>
        api.MapGet("/me", Get).WithTags("Organizations").RequireAuthorization()
            .WithSummary("The caller: person, organisation, roles and the chapters they hold a role in.");

    private static async Task<Ok<WhoAmIResponse>> Get(ClaimsPrincipal user, Db db, CancellationToken ct) =>
        TypedResults.Ok(await ReadAsync(db, user.PersonId(), ct));

    /// <summary>Who the person is (404 when they are no person here): the endpoint, the web sign-in and the roster filter.</summary>
    public static Task<WhoAmIResponse> ReadAsync(Db db, Guid personId, CancellationToken ct) =>
        db.AsPersonAsync(personId, async s =>
        {
            var caller = s.Caller ?? throw ApiException.NotFound("Person");
            var (person, chapters) = await BatchResults.QueryAsync(s.Connection, new CommandDefinition("""
                SELECT p.display_name, o.id, o.name, o.timezone FROM people p JOIN organizations o ON o.id = p.organization_id WHERE p.id = @me;
                SELECT c.id, c.name, array_agg(m.role ORDER BY m.role) AS roles
                FROM chapter_memberships m JOIN chapters c ON c.id = m.chapter_id
                WHERE m.person_id = @me GROUP BY c.id, c.name ORDER BY c.name;
                """, new { me = caller.PersonId }, cancellationToken: ct), async results =>
                (await results.ReadSingleAsync<(string Name, Guid OrgId, string OrgName, string Timezone)>(),
                 await results.ReadAsync<(Guid Id, string Name, string[] Roles)>()));
            string[] roles =
            [
                .. caller.OrgAdmin ? ["org_admin"] : Array.Empty<string>(),
                .. caller.IsCoordinator ? ["coordinator"] : Array.Empty<string>(),
                .. caller.MentoredChapters.Length > 0 ? ["peer_mentor"] : Array.Empty<string>(),
            ];
            return new WhoAmIResponse(new WhoAmIPerson(caller.PersonId, person.Name),
                new WhoAmIOrganization(person.OrgId, person.OrgName, person.Timezone), roles,
                chapters.Select(c => new WhoAmIChapter(c.Id, c.Name, c.Roles)).ToList());
        }, ct);
}
