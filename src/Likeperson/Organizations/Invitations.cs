using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Likeperson.Database;

namespace Likeperson.Organizations;

/// <summary>What an invitation page may show before sign-in: its state (open, used, expired, unknown) and, when open, whose it is.</summary>
public sealed record InvitationPreview(string State, string? OrganizationName, string? PersonName);

/// <summary>
/// One-time invitations that link a provider identity to a person. A code is 256 random bits (base64url), handed out once
/// in the link and stored only as its SHA-256 hash; the rules (who may invite, expiry, once only, one identity) are the SQL
/// functions invitation_create / invitation_preview / invitation_accept (migration 0018).
/// </summary>
public static class Invitations
{
    public const string Open = "open", Linked = "linked", Unknown = "unknown";

    public static string NewCode() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a code; a string that cannot be one of ours hashes to nothing stored (unknown).</summary>
    public static byte[] Hash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code));

    /// <summary>Only what a code can look like gets as far as the database (43 base64url characters).</summary>
    public static bool IsWellFormed(string? code) =>
        code is { Length: 43 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// A new invitation made by <paramref name="caller"/> (the API's endpoint, and the admin's person page alike): its link is
    /// `&lt;this server's address&gt;/invite/&lt;code&gt;`, the address as the request came in (behind a known proxy, the public one).
    /// </summary>
    public static async Task<InvitationResponse> CreateAsync(HttpContext http, Db db, Guid caller, Guid org, Guid person, int days,
        CancellationToken ct)
    {
        var code = NewCode();
        var (id, expires) = await db.AsPersonAtOnceAsync(caller, new Statement<(Guid, DateTime)>(
            "SELECT id, expires_at FROM invitation_create(@org, @person, @hash, @days)",
            new DynamicParameters(new { org, person, hash = Hash(code), days }), r => r.ReadSingleAsync<(Guid, DateTime)>()), ct);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/invite/{code}";
        return new InvitationResponse(id, url, expires);
    }

    public static async Task<InvitationPreview> PreviewAsync(Db db, string code, CancellationToken ct)
    {
        if (!IsWellFormed(code)) return new InvitationPreview(Unknown, null, null);
        await using var conn = await db.App.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<InvitationPreview>(new CommandDefinition(
            "SELECT state, organization_name, person_name FROM invitation_preview(@hash)", new { hash = Hash(code) }, cancellationToken: ct));
    }

    /// <summary>Uses the code for the identity: <see cref="Linked"/>, or why not (unknown, used, expired, linked_elsewhere).</summary>
    public static async Task<string> AcceptAsync(Db db, string code, string issuer, string subject, CancellationToken ct)
    {
        if (!IsWellFormed(code)) return Unknown;
        await using var conn = await db.App.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT state FROM invitation_accept(@hash, @issuer, @subject)", new { hash = Hash(code), issuer, subject }, cancellationToken: ct)) ?? Unknown;
    }
}
