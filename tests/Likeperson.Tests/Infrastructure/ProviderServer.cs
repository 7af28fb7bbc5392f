using Dapper;

namespace Likeperson.Tests.Infrastructure;

/// <summary>The real server configured with the tests' real OpenID Connect provider (<see cref="TestProvider"/>).</summary>
public class ProviderServer : TestServer, IAsyncLifetime
{
    public TestProvider Provider { get; private set; } = null!;

    /// <summary>The provider's settings; stream access is checked every second (the contract's ceiling is 30 s).</summary>
    protected override IDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(Provider.Settings()) { ["Events:AccessCheckInterval"] = "00:00:01" };

    async Task IAsyncLifetime.InitializeAsync()
    {
        Provider = await TestProvider.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>Links the provider's user <paramref name="login"/> (its `sub`) to the person, straight in the database.</summary>
    public async Task<Guid> LinkAsync(Guid person, string login)
    {
        await using var conn = await Worker.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<Guid>("""
            INSERT INTO identity_links (organization_id, person_id, issuer, subject)
            SELECT organization_id, id, @issuer, @login FROM people WHERE id = @person RETURNING id
            """, new { person, issuer = Provider.IssuerName, login });
    }

    /// <summary>A client calling with the provider's access token for <paramref name="login"/>.</summary>
    public async Task<HttpClient> AsProviderUserAsync(string login)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await Provider.AccessTokenAsync(login));
        return client;
    }
}
