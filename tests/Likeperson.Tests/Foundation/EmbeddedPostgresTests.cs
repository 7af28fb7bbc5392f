using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>The embedded cluster survives what a crash leaves behind and explains itself when PostgreSQL is missing.</summary>
public sealed class EmbeddedPostgresTests
{
    [Fact]
    public async Task Start_StalePidFileAfterCrash_StartsAnyway()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lp-stale-{Guid.NewGuid():N}"[..20]);
        var cluster = new EmbeddedPostgres(dir);
        try
        {
            await cluster.StartAsync(durable: false);
            var pidFile = Path.Combine(cluster.DataDirectory, "postmaster.pid");
            var crashed = await File.ReadAllLinesAsync(pidFile);
            await cluster.StopAsync(immediate: true);
            var otherPostmaster = int.Parse(File.ReadLines(Path.Combine((await TestCluster.ClusterAsync()).DataDirectory, "postmaster.pid")).First());
            // A dead pid, a live process that is no postgres (this test), a live postgres of another cluster.
            foreach (var pid in new[] { await DeadPidAsync(), Environment.ProcessId, otherPostmaster })
            {
                await File.WriteAllLinesAsync(pidFile, [pid.ToString(), .. crashed[1..]]);
                await cluster.StartAsync(durable: false);
                await using var conn = new NpgsqlConnection(TestCluster.Superuser(cluster, "postgres"));
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT current_setting('data_directory')", conn);
                Assert.Equal(cluster.DataDirectory, await cmd.ExecuteScalarAsync());
                await cluster.StopAsync(immediate: true);
            }
        }
        finally
        {
            await cluster.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<int> DeadPidAsync()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    [Fact]
    public void Create_NoBinaries_FailsWithOneClearSentence()
    {
        var e = Assert.Throws<StartupException>(() => new EmbeddedPostgres("/tmp/lp-never", ["/nonexistent/bin", "/tmp"]));
        Assert.Contains("initdb", e.Message);
        Assert.Contains("apt-get install -y postgresql", e.Message);
        Assert.Contains("ConnectionStrings:Likeperson", e.Message);
        Assert.EndsWith(".", e.Message);
        Assert.DoesNotContain(". ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.False(Directory.Exists("/tmp/lp-never"));
    }
}
