using Dapper;
using Likeperson.Database;

namespace Likeperson.Organizations;

/// <summary>An organisation as the system admin's list shows it: no people, no settings.</summary>
public sealed record OrganizationSummary(Guid Id, string Name, DateTime CreatedAt);

/// <summary>A new organisation and its first org admin (whose id is the `sub` their tokens must carry).</summary>
public sealed record FirstRunResult(OrganizationResponse Organization, PersonResponse Admin);

/// <summary>
/// The first run of a deployment, for a system admin (the `org create` verb and the page /admin/organizations): an
/// organisation with default settings and its first org admin, created in one transaction through the same functions as
/// `POST /organizations` and `POST /organizations/{id}/people`, so both are checked by the same rules; a refusal
/// (422 with `errors` on `name` and `admin_display_name`) creates neither.
/// </summary>
public static class FirstRun
{
    public static async Task<FirstRunResult> CreateAsync(Db db, string? name, string? adminDisplayName, CancellationToken ct = default)
    {
        var v = new Validation();
        var orgName = OrganizationsApi.ValidName(name, v, "name");
        var admin = PeopleApi.ValidDisplayName(adminDisplayName, v, "admin_display_name");
        v.ThrowIfAny();
        return await db.AsWorkerAsync(async conn =>
        {
            var org = await OrganizationsApi.InsertAsync(conn, orgName!, OrganizationSettings.Defaults);
            return new FirstRunResult(org, await PeopleApi.InsertAsync(conn, org.Id, admin!, orgAdmin: true, [], null));
        }, ct);
    }

    /// <summary>Every organisation, newest first (a system admin has no organisation, so this reads as the worker).</summary>
    public static Task<List<OrganizationSummary>> ListAsync(Db db, CancellationToken ct = default) =>
        db.AsWorkerAsync(async conn => (await conn.QueryAsync<OrganizationSummary>(new CommandDefinition(
            "SELECT id, name, created_at FROM organizations ORDER BY created_at DESC, id", cancellationToken: ct))).ToList(), ct);
}
