using Likeperson.Database;
using Likeperson.Demo;
using Npgsql;

namespace Likeperson;

/// <summary>The operator's command-line verbs besides serving.</summary>
public static class Verbs
{
    /// <summary>`serve` (the default): the server until SIGTERM or Ctrl+C, then a graceful stop (exit code 0).</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var app = await LikepersonApp.BuildAsync(args);
        await app.RunAsync();
        return 0;
    }

    /// <summary>`backup FILE`: a pg_dump (custom format) of the embedded or the configured database, taken while it serves.</summary>
    public static async Task<int> BackupAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
            return Usage("Usage: backup FILE   (a pg_dump archive of the whole database; restore it with `restore FILE`)");
        var file = Path.GetFullPath(args[0]);
        return await WithOwnerAsync(args[1..], "back up", async owner =>
        {
            var partial = file + ".partial"; // a failed backup never replaces an older good one
            await PgTools.RunAsync("pg_dump", owner, "--format=custom", "--file", partial);
            File.Move(partial, file, overwrite: true);
            Console.WriteLine($"Backed up database {PgTools.Describe(owner)} to {file} ({new FileInfo(file).Length:N0} bytes).");
        });
    }

    /// <summary>
    /// `restore FILE`: replaces the database's tables, functions and rows with those of a backup, in one transaction
    /// (on any error nothing changes). Refused while another session (a running server) uses the database.
    /// </summary>
    public static async Task<int> RestoreAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
            return Usage("Usage: restore FILE   (a file written by `backup FILE`; stop every server instance first)");
        var file = Path.GetFullPath(args[0]);
        if (!File.Exists(file))
            throw new StartupException($"There is no backup file {file}: give the path of a file written by `backup FILE`.");
        return await WithOwnerAsync(args[1..], "restore", async owner =>
        {
            await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString))
            {
                await conn.OpenAsync();
                await using var others = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", conn);
                if ((long)(await others.ExecuteScalarAsync())! is var n and > 0)
                    throw new StartupException(
                        $"{n} other session(s) are connected to database {PgTools.Describe(owner)} (a running server?): stop every Likeperson instance, then restore.");
            }
            // --clean --if-exists: drop what the backup holds, then create it again; --no-owner: the restoring owner owns it all.
            await PgTools.RunAsync("pg_restore", owner, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                "--dbname", PgTools.DatabaseOf(owner), file);
            Console.WriteLine($"Restored {file} into database {PgTools.Describe(owner)}; the next start migrates it if the backup is older than this build.");
        });
    }

    private static int Usage(string text)
    {
        Console.Error.WriteLine(text);
        return 2;
    }

    /// <summary>Runs an action with the owner connection (of the embedded cluster, started for the occasion if it is not running).</summary>
    private static async Task<int> WithOwnerAsync(string[] args, string what, Func<string, Task> action)
    {
        var config = Configuration(args);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var (connections, embedded) = await DatabaseStartup.PrepareAsync(config, loggers.CreateLogger(what), migrate: false);
        try
        {
            var owner = connections.Owner ?? throw new StartupException(
                $"ConnectionStrings:LikepersonOwner is required to {what} an external database (the role that owns the schema): set it.");
            await action(owner);
            return 0;
        }
        finally
        {
            if (embedded is not null) await embedded.StopAsync();
        }
    }

    public static async Task<int> MigrateAsync(string[] args)
    {
        var down = args.FirstOrDefault() == "down";
        var rest = down ? args[1..] : args;
        int? target = null;
        var toIndex = Array.IndexOf(rest, "--to");
        if (down)
        {
            if (toIndex < 0 || toIndex + 1 >= rest.Length || !int.TryParse(rest[toIndex + 1], out var t) || t < 0)
            {
                Console.Error.WriteLine("Usage: migrate down --to N   (N = the version to keep; 0 removes everything)");
                return 2;
            }
            target = t;
            rest = rest.Where((_, i) => i != toIndex && i != toIndex + 1).ToArray();
        }
        var config = Configuration(rest);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggers.CreateLogger("migrate");
        var (connections, embedded) = await DatabaseStartup.PrepareAsync(config, logger, migrate: false);
        try
        {
            var owner = connections.Owner ?? throw new InvalidOperationException(
                "ConnectionStrings:LikepersonOwner is required to migrate an external database (the role that owns the schema).");
            var migrator = new Migrator(owner, logger);
            var count = target is { } to ? await migrator.MigrateDownAsync(to) : await migrator.MigrateUpAsync();
            Console.WriteLine(target is { } v ? $"Reverted {count} migration(s); schema is at version {v} or below." :
                $"Applied {count} migration(s); schema is at version {Migrator.Latest}.");
            return 0;
        }
        finally
        {
            if (embedded is not null) await embedded.StopAsync();
        }
    }

    public static async Task<int> SeedAsync(string[] args)
    {
        var config = Configuration(args);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var (connections, embedded) = await DatabaseStartup.PrepareAsync(config, loggers.CreateLogger("seed"));
        try
        {
            await using var worker = DatabaseStartup.DataSource(connections.Worker, "likeperson-seed");
            var loaded = await DemoData.EnsureAsync(worker);
            Console.WriteLine(loaded ? "Demo organisation loaded." : "Demo organisation was already there.");
            return 0;
        }
        finally
        {
            if (embedded is not null) await embedded.StopAsync();
        }
    }

    private static IConfiguration Configuration(string[] args) => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args)
        .Build();
}
