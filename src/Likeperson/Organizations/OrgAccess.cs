using System.Security.Claims;
using Likeperson.Auth;
using Likeperson.Database;
using Npgsql;

namespace Likeperson.Organizations;

/// <summary>
/// Runs setup work inside one organisation for either a system admin (privileged connection,
/// organisation must exist) or an org admin of that organisation (application role under RLS).
/// Anyone else gets 404 for another organisation and 403 for their own.
/// </summary>
public sealed class OrgAccess(Db db, AuthSettings auth)
{
    public bool IsSystemAdmin(ClaimsPrincipal user) => auth.SystemAdmins.Contains(user.Subject());

    /// <param name="work">Receives the open connection and the acting person (null for a system admin).</param>
    public Task<T> AsAdminAsync<T>(ClaimsPrincipal user, Guid orgId, bool allowSystemAdmin,
        Func<NpgsqlConnection, Guid?, Task<T>> work, CancellationToken ct)
    {
        if (!allowSystemAdmin && IsSystemAdmin(user)) // a system admin has no organisation; the role simply does not allow this
            throw ApiException.Forbidden("A system admin may create organisations, chapters and people, nothing else.");
        if (allowSystemAdmin && IsSystemAdmin(user))
            return db.AsWorkerAsync(async conn =>
            {
                await using var cmd = new NpgsqlCommand("SELECT 1 FROM organizations WHERE id = $1", conn) { Parameters = { new() { Value = orgId } } };
                if (await cmd.ExecuteScalarAsync(ct) is null) throw ApiException.NotFound("Organisation");
                return await work(conn, null);
            }, ct);
        return db.AsPersonAsync(user.PersonId(), async session =>
        {
            var caller = session.Caller;
            if (caller is null || caller.OrganizationId != orgId) throw ApiException.NotFound("Organisation");
            if (!caller.OrgAdmin) throw ApiException.Forbidden("Only an org admin of this organisation may do this.");
            return await work(session.Connection, caller.PersonId);
        }, ct);
    }
}
