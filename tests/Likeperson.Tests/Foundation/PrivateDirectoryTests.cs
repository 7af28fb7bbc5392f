using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// A checkout in a private (0700) directory, the usual case for root in a container: the embedded cluster, which as
/// root runs as `postgres`, still starts (in /var/lib/likeperson, linked from the configured path), and starts again.
/// </summary>
public sealed class PrivateDirectoryTests
{
    [Fact]
    public async Task EmbeddedCluster_UnderA0700Directory_StartsQueriesAndRestarts()
    {
        var home = Path.Combine(Path.GetTempPath(), $"lp-priv-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var configured = Path.Combine(home, "checkout", ".data", "postgres");
        var cluster = new EmbeddedPostgres(configured);
        try
        {
            await cluster.StartAsync(durable: false);
            await AssertServesAsync(cluster);
            if (Environment.UserName == "root")
            {
                Assert.StartsWith(EmbeddedPostgres.RelocationRoot + "/", cluster.DataDirectory);
                Assert.Equal(cluster.DataDirectory, new DirectoryInfo(configured).ResolveLinkTarget(returnFinalTarget: true)?.FullName);
            }
            else
            {
                Assert.Equal(configured, cluster.DataDirectory); // the owner of a private directory reaches it anyway
            }
            await cluster.StopAsync();

            var again = new EmbeddedPostgres(configured); // the next start finds the same cluster
            Assert.Equal(cluster.DataDirectory, again.DataDirectory);
            await again.StartAsync(durable: false);
            await AssertServesAsync(again);
            await again.StopAsync();
        }
        finally
        {
            await cluster.StopAsync(immediate: true);
            await EmbeddedPostgresCleanup.RemoveAsync(configured);
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task AssertServesAsync(EmbeddedPostgres cluster)
    {
        await using var conn = new NpgsqlConnection(TestCluster.Superuser(cluster, "postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT current_setting('data_directory')", conn);
        Assert.Equal(cluster.DataDirectory, await cmd.ExecuteScalarAsync());
    }
}
