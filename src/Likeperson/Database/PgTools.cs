using System.Diagnostics;
using Npgsql;

namespace Likeperson.Database;

/// <summary>
/// PostgreSQL's own client tools (pg_dump, pg_restore) from the directory the embedded cluster uses, connected with an
/// Npgsql connection string turned into libpq's environment variables (so a password never shows in a process list).
/// </summary>
public static class PgTools
{
    public static async Task RunAsync(string tool, string connectionString, params string[] args)
    {
        var psi = new ProcessStartInfo(Find(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in Environment(connectionString)) psi.Environment[name] = value;
        using var process = Process.Start(psi) ?? throw new StartupException($"{tool} could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode == 0)
            return;
        var lines = (await stderr + "\n" + await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var cause = lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? lines.FirstOrDefault() ?? "no output";
        throw new StartupException($"{tool} failed (exit {process.ExitCode}) on database {Describe(connectionString)}: {EmbeddedPostgres.OneLine(cause)}; " +
                                   "fix that and run the command again (pg_dump must be at least the server's major version).");
    }

    /// <summary>Host, port, database and user, never the password: for messages.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Database} (Host={b.Host}, Port={b.Port}, Username={b.Username})";
    }

    public static string DatabaseOf(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Database ?? throw new StartupException(
            "The owner connection string names no Database: add Database=likeperson (or the database's name).");

    private static string Find(string tool)
    {
        string? dir;
        try { dir = EmbeddedPostgres.BinaryDirectory(); }
        catch (StartupException) { dir = null; } // only the client tools may be installed: look on PATH
        var candidates = (dir is null ? [] : new[] { dir })
            .Concat((System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? throw new StartupException(
            $"{tool} was not found next to the PostgreSQL server binaries or on PATH: install it with `sudo apt-get install -y postgresql-client`.");
    }

    private static IEnumerable<(string, string)> Environment(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (b.Host is { } host) yield return ("PGHOST", host);
        yield return ("PGPORT", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (b.Database is { } db) yield return ("PGDATABASE", db);
        if (b.Username is { } user) yield return ("PGUSER", user);
        if (b.Password is { } password) yield return ("PGPASSWORD", password);
        yield return ("PGSSLMODE", b.SslMode switch
        {
            SslMode.Disable => "disable", SslMode.Allow => "allow", SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca", SslMode.VerifyFull => "verify-full", _ => "prefer",
        });
        yield return ("PGCONNECT_TIMEOUT", Math.Max(2, b.Timeout).ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("PGAPPNAME", "likeperson-tools");
    }
}
