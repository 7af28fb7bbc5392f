using System.Diagnostics;

namespace Likeperson.Database;

/// <summary>
/// Runs a private PostgreSQL cluster from the machine's own binaries (initdb, pg_ctl), listening
/// only on a Unix socket inside its data directory, so instances and test runs never fight over a
/// port. As root, the binaries run as the `postgres` user, which PostgreSQL insists on.
/// </summary>
public sealed class EmbeddedPostgres
{
    private readonly string _binDir;
    private readonly bool _asPostgresUser;
    private bool _startedHere;

    public string DataDirectory { get; }

    /// <summary>Where this cluster's binaries live, so client tools (pg_dump) of the same version can be found.</summary>
    public string BinaryDirectory => _binDir;

    /// <summary>The socket directory doubles as the Npgsql "Host".</summary>
    public string SocketDirectory => DataDirectory;

    /// <param name="binaryDirectories">Where to look for initdb and pg_ctl; by default PATH, then /usr/lib/postgresql/*/bin (newest first).</param>
    public EmbeddedPostgres(string dataDirectory, IEnumerable<string>? binaryDirectories = null)
    {
        DataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        _binDir = FindBinaries(binaryDirectories ?? DefaultBinaryDirectories()) ?? throw new StartupException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin: " +
            "install them with `sudo apt-get install -y postgresql` or set ConnectionStrings:Likeperson to an external server.");
        _asPostgresUser = Environment.UserName == "root";
        if (DataDirectory.Length > 90)
            throw new StartupException(
                $"Database:DataDirectory '{DataDirectory}' is too long for a Unix socket path (max 90 characters); choose a shorter one.");
    }

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
    }

    /// <summary>Stops the cluster if this process started it; a cluster someone else started is left running.</summary>
    public async Task StopAsync(bool immediate = false)
    {
        if (!_startedHere || !IsRunning())
            return;
        await RunAsync("pg_ctl", "-D", DataDirectory, "-w", "-m", immediate ? "immediate" : "fast", "stop");
        _startedHere = false;
    }

    private async Task InitAsync(bool durable)
    {
        Directory.CreateDirectory(DataDirectory);
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

    private static async Task RunRawAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} failed (exit {process.ExitCode}): {await stderr}{await stdout}");
    }
}
