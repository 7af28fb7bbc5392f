using System.Net;
using System.Net.Sockets;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// Every way the start-up can fail prints one line naming the cause and the remedy and exits 1: no stack trace, no hang.
/// Each case runs the real program as a process.
/// </summary>
public sealed class StartupFailureTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Runs the program, expects exit code 1 and returns the one line it printed on stderr.</summary>
    private static async Task<string> FailsWithOneLineAsync(IEnumerable<string> args, string[]? wrapper = null, IDictionary<string, string>? env = null)
    {
        await using var server = ServerProcess.Start(args, env, wrapper);
        var code = await server.ExitCodeAsync(Limit);
        var lines = server.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var output = server.Stdout + server.Stderr;
        Assert.True(code == 1 && lines.Length == 1, $"exit {code}, stderr:\n{server.Stderr}\nstdout:\n{server.Stdout}");
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("fail:", output);
        Assert.DoesNotContain("crit:", output);
        Assert.DoesNotContain("Unhandled exception", output);
        return lines[0];
    }

    private static string TempPath(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);

    [Fact]
    public async Task PostgresBinariesMissing_OneLineNamingTheInstallCommand()
    {
        var dir = TempPath("lp-nobin");
        string line;
        if (CanHidePostgres())
        {
            // A private mount namespace in which /usr/lib/postgresql is empty and PATH has no initdb: a machine without PostgreSQL.
            line = await FailsWithOneLineAsync([.. ServerProcess.Common, $"--Database:DataDirectory={dir}"], HidePostgres,
                new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" });
        }
        else
        {
            line = StartupFailure.Describe(Assert.Throws<StartupException>(() => new EmbeddedPostgres(dir, ["/nonexistent/bin"])));
        }
        Assert.Contains("PostgreSQL server binaries (initdb, pg_ctl) were not found", line);
        Assert.Contains("apt-get install -y postgresql", line);
        Assert.False(Directory.Exists(dir));
    }

    private static readonly string[] HidePostgres =
        ["unshare", "--mount", "--", "sh", "-c", "mount -t tmpfs tmpfs /usr/lib/postgresql && exec \"$@\"", "sh"];

    /// <summary>Root may hide the binaries in a mount namespace of its own (where the container allows it).</summary>
    private static bool CanHidePostgres()
    {
        if (Environment.UserName != "root" || !Directory.Exists("/usr/lib/postgresql")) return false;
        var psi = new System.Diagnostics.ProcessStartInfo(HidePostgres[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in HidePostgres[1..].Append("true")) psi.ArgumentList.Add(a);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // no unshare
    }

    [Fact]
    public async Task PortInUse_OneLineNamingTheAddressAndUrls()
    {
        var db = await TestCluster.CreateDatabaseAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var line = await FailsWithOneLineAsync([.. ServerProcess.Common, .. ServerProcess.External(db), "--urls", $"http://127.0.0.1:{port}"]);

        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.Contains("already in use", line);
        Assert.Contains("--urls", line);
    }

    [Fact]
    public async Task EmbeddedCluster_PortInUse_TheClusterStopsWithTheFailedStart()
    {
        var dir = TempPath("lp-port");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var line = await FailsWithOneLineAsync([.. ServerProcess.Common, $"--Database:DataDirectory={dir}",
                "--urls", $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}"]);

            Assert.Contains("already in use", line);
            var cluster = new EmbeddedPostgres(dir);
            Assert.False(File.Exists(Path.Combine(cluster.DataDirectory, "postmaster.pid")), "the embedded cluster outlived the failed start");
        }
        finally
        {
            await EmbeddedPostgresCleanup.RemoveAsync(dir);
        }
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Database=likeperson;Username=likeperson_app", "Cannot connect to PostgreSQL with ConnectionStrings:Likeperson",
        "refused", "check that the server runs")]
    [InlineData("Hots=db;Database=likeperson", "ConnectionStrings:Likeperson is not a valid connection string", "hots", "write it as Host=")]
    [InlineData("Host={socket};Database=no_such_database;Username=likeperson_app", "Cannot connect to PostgreSQL with ConnectionStrings:Likeperson",
        "database \"no_such_database\" does not exist", "fix the connection string")]
    [InlineData("Host={socket};Database={database};Username=no_such_role", "Cannot connect to PostgreSQL with ConnectionStrings:Likeperson",
        "role \"no_such_role\" does not exist", "fix the connection string")]
    public async Task WrongOrUnreachableConnectionString_OneLineNamingTheKeyTheCauseAndTheRemedy(string connectionString, string expected, string cause,
        string remedy)
    {
        var db = await TestCluster.CreateDatabaseAsync();
        var app = new Npgsql.NpgsqlConnectionStringBuilder(db.Application);
        connectionString = connectionString.Replace("{socket}", app.Host).Replace("{database}", app.Database);

        var line = await FailsWithOneLineAsync([.. ServerProcess.Common, .. ServerProcess.External(db),
            $"--ConnectionStrings:Likeperson={connectionString}"]);

        Assert.Contains(expected, line);
        Assert.Contains(cause, line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(remedy, line);
    }

    [Fact]
    public async Task UnwritableDataDirectory_OneLineNamingTheDirectoryAndTheSetting()
    {
        var file = TempPath("lp-file");
        await File.WriteAllTextAsync(file, "a file, not a directory");
        try
        {
            var line = await FailsWithOneLineAsync([.. ServerProcess.Common, $"--Database:DataDirectory={file}/postgres"]);

            Assert.Contains($"Database:DataDirectory {file}/postgres cannot be created or written", line);
            Assert.Contains("--Database:DataDirectory=PATH", line);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("--Push:Fcm:ServiceAccountFile=/nonexistent/service-account.json", "Push:Fcm:ServiceAccountFile /nonexistent/service-account.json cannot be used")]
    [InlineData("--Push:Fcm:ServiceAccountFile={garbage}", "Push:Fcm:ServiceAccountFile {garbage} cannot be used")]
    [InlineData("--Push:Provider=apns", "Push:Provider must be 'none' or 'fcm'")]
    [InlineData("--Jobs:NightlyAt=banana", "'Jobs:NightlyAt'")]
    [InlineData("--Events:RetentionDays=0", "Events:RetentionDays must be at least 1")]
    [InlineData("--Auth:JwtSecret=short", "Auth:JwtSecret must be at least 32 bytes")]
    [InlineData("--Auth:Oidc:Authority=https://provider.example", "Web sign-in needs all of Auth:Oidc:Authority, Auth:Oidc:ClientId")]
    [InlineData("--Auth:Jwt:Authority=https://provider.example", "Auth:Jwt:Authority is set but Auth:Jwt:Audience is not")]
    [InlineData("--Auth:InvitationDays=0", "Auth:InvitationDays must be between 1 and 365")]
    public async Task InvalidConfigurationValue_OneLineNamingTheKey_BeforeTouchingTheDatabase(string setting, string expected)
    {
        var garbage = TempPath("lp-sa") + ".json";
        await File.WriteAllTextAsync(garbage, "{ this is not a service account");
        var dir = TempPath("lp-cfg");
        try
        {
            setting = setting.Replace("{garbage}", garbage);
            var args = new List<string>(ServerProcess.Common) { $"--Database:DataDirectory={dir}", setting };
            if (setting.Contains("ServiceAccountFile")) args.Add("--Push:Provider=fcm");

            var line = await FailsWithOneLineAsync(args);

            Assert.Contains(expected.Replace("{garbage}", garbage), line);
            Assert.False(Directory.Exists(dir), "the embedded cluster was started before the configuration was checked");
        }
        finally { File.Delete(garbage); }
    }
}

/// <summary>Stops and removes an embedded cluster a test made (and its relocated directory, as root).</summary>
public static class EmbeddedPostgresCleanup
{
    public static async Task RemoveAsync(string configured)
    {
        if (!Path.Exists(configured)) return;
        var cluster = new EmbeddedPostgres(configured);
        if (File.Exists(Path.Combine(cluster.DataDirectory, "postmaster.pid"))) await StopAsync(cluster.DataDirectory);
        if (cluster.DataDirectory != Path.GetFullPath(configured) && Directory.Exists(cluster.DataDirectory))
            Directory.Delete(cluster.DataDirectory, recursive: true);
        if (new FileInfo(configured).LinkTarget is not null) File.Delete(configured);
        else if (Directory.Exists(configured)) Directory.Delete(configured, recursive: true);
    }

    /// <summary>A cluster another process started: pg_ctl stop (as postgres when root).</summary>
    private static async Task StopAsync(string dataDirectory)
    {
        var pgCtl = Path.Combine(EmbeddedPostgres.BinaryDirectory(), "pg_ctl");
        string[] command = Environment.UserName == "root"
            ? ["runuser", "-u", "postgres", "--", pgCtl, "-D", dataDirectory, "-m", "immediate", "-w", "stop"]
            : [pgCtl, "-D", dataDirectory, "-m", "immediate", "-w", "stop"];
        var psi = new System.Diagnostics.ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in command[1..]) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        await p.WaitForExitAsync();
    }
}
