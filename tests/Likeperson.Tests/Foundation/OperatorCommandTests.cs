using System.Text.Json;
using Dapper;
using Likeperson.Auth;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// What an operator runs: the `migrate` verbs against an external database, the server on its own embedded cluster
/// (socket only, migrated at start, stopped with the server), and the refusal to start without a token secret.
/// </summary>
public sealed class OperatorCommandTests
{
    private static async Task<int[]> AppliedAsync(string owner)
    {
        await using var conn = new NpgsqlConnection(owner);
        return (await conn.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version")).ToArray();
    }

    private static string[] External(string owner) =>
        [$"--ConnectionStrings:Likeperson={owner}", $"--ConnectionStrings:LikepersonWorker={owner}", $"--ConnectionStrings:LikepersonOwner={owner}"];

    [Fact]
    public async Task MigrateVerbs_ExternalDatabase_UpDownToNAndUpAgain()
    {
        var owner = await TestCluster.CreateEmptyDatabaseAsync();
        var all = Migrator.All.Select(m => m.Version).ToArray();

        Assert.Equal(0, await Verbs.MigrateAsync(External(owner)));
        Assert.Equal(all, await AppliedAsync(owner));
        Assert.Equal(0, await Verbs.MigrateAsync(External(owner))); // again: a no-op
        Assert.Equal(all, await AppliedAsync(owner));

        Assert.Equal(0, await Verbs.MigrateAsync(["down", "--to", "3", .. External(owner)]));
        Assert.Equal(new[] { 1, 2, 3 }, await AppliedAsync(owner));
        Assert.Equal(0, await Verbs.MigrateAsync(["down", "--to", "0", .. External(owner)]));
        Assert.Empty(await AppliedAsync(owner));

        Assert.Equal(0, await Verbs.MigrateAsync(External(owner)));
        Assert.Equal(all, await AppliedAsync(owner));
    }

    [Theory]
    [InlineData("down")]
    [InlineData("down", "--to")]
    [InlineData("down", "--to", "-1")]
    [InlineData("down", "--to", "three")]
    public async Task MigrateDownVerb_WithoutAValidTarget_ExitCode2AndNothingChanged(params string[] args)
    {
        var owner = await TestCluster.CreateEmptyDatabaseAsync();
        Assert.Equal(0, await Verbs.MigrateAsync(External(owner)));

        Assert.Equal(2, await Verbs.MigrateAsync([.. args, .. External(owner)]));

        Assert.Equal(Migrator.All.Select(m => m.Version), await AppliedAsync(owner));
    }

    [Fact]
    public async Task Serve_NoConnectionString_RunsItsOwnSocketOnlyClusterMigratedAndStopsItOnShutdown()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lp-emb-{Guid.NewGuid():N}"[..18]);
        try
        {
            var app = await LikepersonApp.BuildAsync(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], b =>
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Database:DataDirectory"] = dir, ["Auth:JwtSecret"] = TestServer.JwtSecret, ["Jobs:Schedule:Enabled"] = "false",
                    ["Logging:LogLevel:Default"] = "Warning",
                }));
            var pools = new[] { app.Services.GetRequiredService<AppDataSource>().Source, app.Services.GetRequiredService<WorkerDataSource>().Source };
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using (var http = new HttpClient(new NoServerErrors()) { BaseAddress = new Uri(address) })
            {
                var ready = await (await http.GetAsync("/readyz")).ReadAsync<JsonElement>();
                Assert.Equal("ready", ready.GetProperty("status").GetString()); // ready means the schema is at Migrator.Latest
            }
            Assert.True(File.Exists(Path.Combine(dir, "postmaster.pid")));
            await using (var conn = new NpgsqlConnection(DatabaseConnections.Build(dir, "likeperson", "postgres") + ";Pooling=false"))
            {
                await conn.OpenAsync();
                Assert.Equal("", await conn.ExecuteScalarAsync<string>("SHOW listen_addresses")); // no TCP port at all
                Assert.Equal(Path.GetFullPath(dir), await conn.ExecuteScalarAsync<string>("SHOW unix_socket_directories"));
            }

            await app.StopAsync();
            await app.DisposeAsync();
            foreach (var pool in pools) await pool.DisposeAsync();

            Assert.False(File.Exists(Path.Combine(dir, "postmaster.pid"))); // the cluster stopped with the server
        }
        finally
        {
            var leftover = Path.Combine(dir, "postmaster.pid");
            if (File.Exists(leftover)) await new EmbeddedPostgres(dir).StopAsync(immediate: true);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, "Production", "Auth:JwtSecret is not set")]
    [InlineData("", "Staging", "Auth:JwtSecret is not set")]
    [InlineData("too-short-secret", "Production", "at least 32 bytes")]
    [InlineData("too-short-secret", "Development", "at least 32 bytes")]
    public void AuthSettings_NoUsableSecret_RefusesToStartWithAClearSentence(string? secret, string environment, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:JwtSecret"] = secret }).Build();
        var env = new HostEnvironment(environment);

        var e = Assert.Throws<InvalidOperationException>(() => AuthSettings.FromConfiguration(config, env));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AuthSettings_Defaults_IssuerAudienceLikepersonAndSystemAdminsFromAList()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:JwtSecret"] = TestServer.JwtSecret, ["Auth:SystemAdmins"] = "alice, bob",
        }).Build();

        var auth = AuthSettings.FromConfiguration(config, new HostEnvironment("Production"));

        Assert.Equal(("likeperson", "likeperson"), (auth.Issuer, auth.Audience));
        Assert.Equal(["alice", "bob"], auth.SystemAdmins.Order());
    }

    private sealed class HostEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Likeperson";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
