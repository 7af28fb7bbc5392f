using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Likeperson.Database;

/// <summary>
/// Runs a private PostgreSQL cluster from the machine's own binaries (initdb, pg_ctl), listening
/// only on a Unix socket inside its data directory, so instances and test runs never fight over a
/// port. As root, the binaries run as the `postgres` user, which PostgreSQL insists on.
/// Every failure is a <see cref="StartupException"/>: one sentence naming the cause and the remedy.
/// </summary>
public sealed class EmbeddedPostgres
{
    private readonly string _binDir;
    private readonly bool _asPostgresUser;
    private bool _startedHere;

    public string DataDirectory { get; }

    /// <summary>The socket directory doubles as the Npgsql "Host".</summary>
    public string SocketDirectory => DataDirectory;

    /// <param name="binaryDirectories">Where to look for initdb and pg_ctl; by default PATH, then /usr/lib/postgresql/*/bin (newest first).</param>
    public EmbeddedPostgres(string dataDirectory, IEnumerable<string>? binaryDirectories = null)
    {
        _binDir = FindBinaries(binaryDirectories ?? DefaultBinaryDirectories()) ?? throw MissingBinaries();
        _asPostgresUser = Environment.UserName == "root";
        var configured = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        DataDirectory = _asPostgresUser ? PostgresReachable(configured) : configured;
        if (DataDirectory.Length > 90)
            throw new StartupException(
                $"Database:DataDirectory '{DataDirectory}' is too long for a Unix socket path (max 90 characters); choose a shorter one.");
    }

    /// <summary>The PostgreSQL bin directory (initdb, pg_ctl, pg_dump, pg_restore), found as the embedded cluster finds it.</summary>
    public static string BinaryDirectory() => FindBinaries(DefaultBinaryDirectories()) ?? throw MissingBinaries();

    private static StartupException MissingBinaries() => new(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin: " +
        "install them with `sudo apt-get install -y postgresql` or set ConnectionStrings:Likeperson to an external server.");

    /// <summary>
    /// As root the cluster runs as `postgres`, which must be able to reach its data directory. A checkout in a private
    /// (0700) directory, such as root's home in a container, is out of its reach, and loosening the permissions of
    /// someone's home (or giving postgres the run of it) is not this program's call. Such a cluster therefore lives in
    /// /var/lib/likeperson/&lt;hash of the configured path&gt; (a root-owned 0755 parent, the cluster postgres-owned
    /// 0700 as initdb requires, persistent unlike /tmp), and the configured path becomes a symbolic link to it, so the
    /// operator still finds the cluster where they asked for it. A reachable path is used as it is.
    /// </summary>
    private static string PostgresReachable(string configured)
    {
        if (LinkTarget(configured) is { } target)
            configured = target; // made by an earlier start (or the operator)
        var ancestor = Path.GetDirectoryName(configured);
        while (ancestor is not null && !Directory.Exists(ancestor))
            ancestor = Path.GetDirectoryName(ancestor);
        if (ancestor is null || PostgresCanEnter(ancestor))
            return configured;
        if (File.Exists(Path.Combine(configured, "PG_VERSION")))
            throw new StartupException(
                $"The database cluster in {configured} is out of reach of the 'postgres' user it runs as (a parent directory is private): " +
                "move it into a directory postgres can enter and point Database:DataDirectory there.");
        var relocated = Path.Combine(RelocationRoot, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(configured)))[..16].ToLowerInvariant());
        try
        {
            Directory.CreateDirectory(RelocationRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            Directory.CreateDirectory(relocated);
            if (Directory.Exists(configured) && !Directory.EnumerateFileSystemEntries(configured).Any())
                Directory.Delete(configured); // left empty by a start that failed before this fix
            if (!Path.Exists(configured))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(configured)!);
                Directory.CreateSymbolicLink(configured, relocated);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException(
                $"Database:DataDirectory {configured} is out of reach of the 'postgres' user and {relocated} cannot be used instead " +
                $"({OneLine(e.Message)}): choose a data directory postgres can enter with --Database:DataDirectory=PATH.");
        }
        return relocated;
    }

    private static string? LinkTarget(string path)
    {
        try { return new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } t ? Path.TrimEndingDirectorySeparator(t.FullName) : null; }
        catch (IOException) { return null; } // nothing there yet
    }

    /// <summary>Where clusters out of the postgres user's reach are kept (see <see cref="PostgresReachable"/>).</summary>
    public const string RelocationRoot = "/var/lib/likeperson";

    private static bool PostgresCanEnter(string directory)
    {
        var psi = new ProcessStartInfo("runuser") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = "/" };
        foreach (var a in new[] { "-u", "postgres", "--", "test", "-x", directory, "-a", "-d", directory }) psi.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(psi)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return true; } // no runuser: initdb, run the same way, will say what is wrong
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    /// <summary>Initialises the cluster if needed and starts it unless it is already running.</summary>
    public async Task StartAsync(bool durable = true)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            await InitAsync(durable);
        if (IsRunning())
            return;
        RemoveStalePidFile();
        var socket = DataDirectory;
        await RunAsync("pg_ctl", "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses='' -c unix_socket_directories='{socket}'", "start");
        _startedHere = true;
        AppDomain.CurrentDomain.ProcessExit += StopAtExit;
    }

    /// <summary>However the process ends (a failed start-up included), a cluster it started does not outlive it.</summary>
    private void StopAtExit(object? sender, EventArgs e)
    {
        try { StopAsync().GetAwaiter().GetResult(); }
        catch (StartupException) { /* pg_ctl could not stop it: nothing more to do at exit */ }
    }

    /// <summary>Stops the cluster if this process started it; a cluster someone else started is left running.</summary>
    public async Task StopAsync(bool immediate = false)
    {
        if (!_startedHere || !IsRunning())
            return;
        await RunAsync("pg_ctl", "-D", DataDirectory, "-w", "-m", immediate ? "immediate" : "fast", "stop");
        _startedHere = false;
        AppDomain.CurrentDomain.ProcessExit -= StopAtExit;
    }

    private async Task InitAsync(bool durable)
    {
        try
        {
            Directory.CreateDirectory(DataDirectory);
            var probe = Path.Combine(DataDirectory, ".likeperson-write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException(
                $"Database:DataDirectory {DataDirectory} cannot be created or written ({OneLine(e.Message)}): " +
                "choose a directory this user can write with --Database:DataDirectory=PATH, or fix its permissions.");
        }
        if (_asPostgresUser)
            await RunRawAsync("chown", "postgres:postgres", DataDirectory);
        // A throwaway cluster need not wait for its files to reach the disk.
        await RunAsync("initdb", ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", .. durable ? [] : new[] { "--no-sync" }]);
        var settings = new List<string>
        {
            "max_connections = 200",
            "shared_buffers = 256MB",
            "timezone = 'UTC'",
        };
        if (!durable) // throwaway clusters (tests, benchmarks of the code, not the disk)
            settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings);
    }

    /// <summary>A crash leaves postmaster.pid behind; if its process is gone (or is not this cluster's postgres), it is stale.</summary>
    private void RemoveStalePidFile()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
            return;
        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, out var pid) && IsThisClustersPostmaster(pid))
            return;
        File.Delete(pidFile);
    }

    private bool IsRunning()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        return File.Exists(pidFile)
            && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
            && IsThisClustersPostmaster(pid);
    }

    /// <summary>
    /// After a crash and a reboot the old pid may belong to anything, even another cluster's postgres
    /// (tests and other instances run several), so the process must also name this data directory.
    /// </summary>
    private bool IsThisClustersPostmaster(int pid)
    {
        try
        {
            if (File.ReadAllText($"/proc/{pid}/comm").Trim() is not ("postgres" or "postmaster"))
                return false;
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return args.Any(a => Path.TrimEndingDirectorySeparator(a) == DataDirectory);
        }
        catch (IOException) { return false; }               // no such process (any more)
        catch (UnauthorizedAccessException) { return true; } // someone else's process: assume the file is right and let pg_ctl judge
    }

    private static IEnumerable<string> DefaultBinaryDirectories()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
            : [];
        return onPath.Concat(debian);
    }

    private static string? FindBinaries(IEnumerable<string> directories)
    {
        // Debian's PATH entries are wrappers or symlinks; resolve to the real directory so pg_ctl finds postgres.
        return directories
            .Where(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            .Select(dir => Path.GetDirectoryName(new FileInfo(Path.Combine(dir, "pg_ctl")).ResolveLinkTarget(true)?.FullName
                                                ?? Path.Combine(dir, "pg_ctl")))
            .FirstOrDefault(dir => dir is not null && File.Exists(Path.Combine(dir, "postgres")));
    }

    private Task RunAsync(string tool, params string[] args)
    {
        var exe = Path.Combine(_binDir, tool);
        return _asPostgresUser
            ? RunRawAsync("runuser", ["-u", "postgres", "--", exe, .. args])
            : RunRawAsync(exe, args);
    }

    /// <summary>Runs a tool; a failure is one sentence with the tool's own first error line (initdb and pg_ctl explain themselves).</summary>
    private async Task RunRawAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode == 0)
            return;
        var tool = Path.GetFileName(args.Length > 3 && file == "runuser" ? args[3] : file);
        var output = (await stderr + "\n" + await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var cause = output.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("could not")) ?? output.FirstOrDefault() ?? "";
        var log = Path.Combine(DataDirectory, "server.log");
        throw new StartupException(
            $"{tool} failed (exit {process.ExitCode}) for the embedded cluster in {DataDirectory}: {OneLine(cause)}; " +
            $"fix that (the full log is {log}) or choose another Database:DataDirectory.");
    }
}
