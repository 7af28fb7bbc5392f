using Likeperson.Database;
using Likeperson.Demo;

namespace Likeperson;

/// <summary>The operator's command-line verbs besides serving.</summary>
public static class Verbs
{
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
