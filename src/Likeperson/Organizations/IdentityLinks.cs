using Dapper;
using Likeperson.Database;

namespace Likeperson.Organizations;

/// <summary>A person's linked provider identities (org admin): the API's endpoints and the admin's person page alike.</summary>
public static class IdentityLinks
{
    public static Task<List<IdentityLinkResponse>> ListAsync(Db db, Guid caller, Guid org, Guid person, CancellationToken ct) =>
        db.AsPersonAtOnceAsync(caller, new Statement<List<IdentityLinkResponse>>(
            "SELECT id, issuer, subject, linked_at, last_sign_in_at FROM identity_links_of(@org, @person)",
            new DynamicParameters(new { org, person }), r => r.ReadAsync<IdentityLinkResponse>()), ct);

    /// <summary>Unlinks one (identity_unlink): its next request is refused; what it opened ends (web_session_ended).</summary>
    public static Task UnlinkAsync(Db db, Guid caller, Guid org, Guid person, Guid identity, CancellationToken ct) =>
        db.AsPersonAtOnceAsync(caller, new Statement<int>("SELECT 1 FROM identity_unlink(@org, @person, @identity)",
            new DynamicParameters(new { org, person, identity }), r => r.ReadSingleAsync<int>()), ct);
}
