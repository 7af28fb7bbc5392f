using System.Security.Claims;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Likeperson.Organizations;

/// <summary>People of an organisation and their chapter memberships. A person's id is the `sub` of their tokens.</summary>
public static class PeopleApi
{
    public static void MapPeopleApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/organizations/{orgId:guid}/people").WithTags("Setup").RequireAuthorization();
        group.MapPost("/", Create).WithSummary("Add a person with their memberships (system admin or org admin).").ProducesProblems(403, 422);
        group.MapPut("/{personId:guid}/memberships", ReplaceMemberships).WithSummary("Replace a person's memberships (org admin).")
            .ProducesProblems(403, 422);
        group.MapGet("/", List).WithSummary("The organisation's people by name with memberships, mentor status and certification date (org admin); "
            + "`chapter_id` filters by chapter, `q` searches the name.").ProducesProblems(400, 403, 422);
        group.MapGet("/{personId:guid}", Get).WithSummary("One person of the organisation (org admin).").ProducesProblems(403);
    }

    private static async Task<Ok<Page<PersonSummary>>> List(Guid orgId, [FromQuery(Name = "chapter_id")] Guid? chapterId, string? q, int? limit,
        string? cursor, ClaimsPrincipal user, OrgAccess access, CancellationToken ct)
    {
        var statement = PeopleList.Page(chapterId, q, Paging.Limit(limit), cursor);
        return TypedResults.Ok(await access.AsAdminAsync(user, orgId, allowSystemAdmin: false, (conn, _) => RunAsync(conn, statement, ct), ct));
    }

    private static async Task<Ok<PersonSummary>> Get(Guid orgId, Guid personId, ClaimsPrincipal user, OrgAccess access, CancellationToken ct) =>
        TypedResults.Ok(await access.AsAdminAsync(user, orgId, allowSystemAdmin: false, (conn, _) => RunAsync(conn, PeopleList.One(personId), ct), ct)
                        ?? throw ApiException.NotFound("Person"));

    /// <summary>A read statement inside the transaction <see cref="OrgAccess"/> opened (the caller's identity is set).</summary>
    private static Task<T> RunAsync<T>(NpgsqlConnection conn, Statement<T> statement, CancellationToken ct) =>
        BatchResults.QueryAsync(conn, new CommandDefinition(statement.Sql, statement.Parameters, cancellationToken: ct), statement.Read);

    private static async Task<Created<PersonResponse>> Create(Guid orgId, CreatePersonRequest body, ClaimsPrincipal user, OrgAccess access, CancellationToken ct)
    {
        var person = await CreateAsync(access, user, orgId, body, ct);
        return TypedResults.Created($"/api/v1/organizations/{orgId}/people/{person.Id}", person);
    }

    /// <summary>Adds a person with their memberships (system admin or org admin): the endpoint and the people page.</summary>
    public static async Task<PersonResponse> CreateAsync(OrgAccess access, ClaimsPrincipal user, Guid orgId, CreatePersonRequest body, CancellationToken ct)
    {
        var v = new Validation();
        var name = ValidDisplayName(body.DisplayName, v, "display_name");
        var memberships = ValidMemberships(body.Memberships, v);
        v.Check(body.CertificationExpiresAt is null || memberships.Any(m => m.Role == ChapterRole.PeerMentor),
            "certification_expires_at", "Only peer mentors have a certification.");
        v.ThrowIfAny();
        return await access.AsAdminAsync(user, orgId, allowSystemAdmin: true, (conn, _) =>
            InsertAsync(conn, orgId, name!, body.OrgAdmin ?? false, memberships, body.CertificationExpiresAt), ct);
    }

    /// <summary>A person's display name, trimmed: 1 to 200 characters (else an error on <paramref name="field"/>).</summary>
    public static string? ValidDisplayName(string? displayName, Validation v, string field)
    {
        var clean = Validation.Clean(displayName);
        v.Check(clean is { Length: <= 200 }, field, "A display name of 1 to 200 characters is required.");
        return clean;
    }

    /// <summary>
    /// Adds a person with their memberships (every chapter must be the organisation's) on the connection the caller's access
    /// opened: `POST /organizations/{id}/people` and the first run's first org admin. The id is the `sub` of their tokens.
    /// </summary>
    public static async Task<PersonResponse> InsertAsync(NpgsqlConnection conn, Guid orgId, string name, bool orgAdmin,
        Membership[] memberships, DateOnly? certification)
    {
        await RequireChaptersAsync(conn, orgId, memberships);
        var id = await conn.ExecuteScalarAsync<Guid>(
            "INSERT INTO people (organization_id, display_name, org_admin) VALUES (@orgId, @name, @orgAdmin) RETURNING id",
            new { orgId, name, orgAdmin });
        await WriteMembershipsAsync(conn, orgId, id, memberships, certification);
        return new PersonResponse(id, name, orgId, orgAdmin, memberships);
    }

    private static async Task<Ok<PersonResponse>> ReplaceMemberships(Guid orgId, Guid personId, ReplaceMembershipsRequest body,
        ClaimsPrincipal user, OrgAccess access, CancellationToken ct) =>
        TypedResults.Ok(await ReplaceMembershipsAsync(access, user, orgId, personId, body, ct));

    /// <summary>Replaces a person's memberships (org admin): the endpoint and the person page.</summary>
    public static async Task<PersonResponse> ReplaceMembershipsAsync(OrgAccess access, ClaimsPrincipal user, Guid orgId, Guid personId,
        ReplaceMembershipsRequest body, CancellationToken ct)
    {
        var v = new Validation();
        var memberships = ValidMemberships(body.Memberships, v);
        v.ThrowIfAny();
        return await access.AsAdminAsync(user, orgId, allowSystemAdmin: false, async (conn, _) =>
        {
            var row = await conn.QuerySingleOrDefaultAsync<(string DisplayName, bool OrgAdmin)>(
                "SELECT display_name, org_admin FROM people WHERE id = @personId AND organization_id = @orgId FOR UPDATE",
                new { personId, orgId });
            if (row.DisplayName is null) throw ApiException.NotFound("Person");
            await RequireChaptersAsync(conn, orgId, memberships);
            await conn.ExecuteAsync("DELETE FROM chapter_memberships WHERE person_id = @personId", new { personId });
            await WriteMembershipsAsync(conn, orgId, personId, memberships, null);
            return new PersonResponse(personId, row.DisplayName, orgId, row.OrgAdmin, memberships);
        }, ct);
    }

    private static Membership[] ValidMemberships(MembershipRequest?[]? requested, Validation v)
    {
        requested ??= [];
        v.Check(requested.All(m => m?.ChapterId is { } c && c != Guid.Empty), "memberships", "Each membership needs a chapter_id.");
        v.Check(requested.All(m => m?.Role is not null), "memberships", "Each membership needs a role: peer_mentor or coordinator.");
        v.Check(requested.Length <= 100, "memberships", "At most 100 memberships.");
        return requested.Where(m => m?.ChapterId is not null && m.Role is not null)
            .Select(m => new Membership(m!.ChapterId!.Value, m.Role!.Value)).Distinct().ToArray();
    }

    private static async Task RequireChaptersAsync(NpgsqlConnection conn, Guid orgId, Membership[] memberships)
    {
        var wanted = memberships.Select(m => m.ChapterId).Distinct().ToArray();
        var found = await conn.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM chapters WHERE organization_id = @orgId AND id = ANY(@wanted)", new { orgId, wanted });
        if (found != wanted.Length)
            throw new ApiException(422, "validation_failed", "A chapter in memberships does not exist in this organisation.",
                new Dictionary<string, string[]> { ["memberships"] = ["Every chapter_id must be a chapter of this organisation."] });
    }

    /// <summary>A person with a peer_mentor membership gets a peer-mentor status (active) the first time.</summary>
    private static async Task WriteMembershipsAsync(NpgsqlConnection conn, Guid orgId, Guid personId, Membership[] memberships, DateOnly? certification)
    {
        await conn.ExecuteAsync("""
            INSERT INTO chapter_memberships (person_id, chapter_id, organization_id, role)
            SELECT @personId, unnest(@chapters), @orgId, unnest(@roles)
            """, new
        {
            personId, orgId,
            chapters = memberships.Select(m => m.ChapterId).ToArray(),
            roles = memberships.Select(m => m.Role == ChapterRole.PeerMentor ? "peer_mentor" : "coordinator").ToArray(),
        });
        if (memberships.Any(m => m.Role == ChapterRole.PeerMentor))
            await conn.ExecuteAsync("""
                INSERT INTO peer_mentors (id, organization_id, certification_expires_at) VALUES (@personId, @orgId, @certification)
                ON CONFLICT (id) DO NOTHING
                """, new { personId, orgId, certification });
    }
}
