using System.Diagnostics;
using System.Text.RegularExpressions;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>
/// src/Likeperson/Database/schema.sql is the live schema (every table, function, policy and grant) as the migrations leave
/// it, so a reader never has to replay migrations. This test dumps a freshly migrated database and fails when the file is
/// stale; with LIKEPERSON_WRITE_SCHEMA=1 (scripts/dump-schema.sh) it rewrites the file instead.
/// </summary>
public sealed partial class SchemaFileTests
{
    private const string Header = """
        -- The live schema of a fully migrated Likeperson database: tables, functions, triggers, policies, grants.
        -- GENERATED: do not edit. Change the schema with a new migration in Migrations/, then regenerate with
        --   scripts/dump-schema.sh   (= LIKEPERSON_WRITE_SCHEMA=1 dotnet test tests/Likeperson.Tests --filter SchemaFileTests)
        -- SchemaFileTests fails when this file differs from `pg_dump --schema-only --no-owner` of a migrated database
        -- (version lines removed). Owners are left out: they depend on who ran the migrations.

        """;

    public static string SchemaFilePath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Likeperson.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "src", "Likeperson", "Database", "schema.sql");
    }

    [Fact]
    public async Task SchemaFile_AfterAllMigrations_IsTheDumpOfTheMigratedDatabase()
    {
        var dump = Header + Normalise(await DumpAsync());
        var path = SchemaFilePath();
        if (Environment.GetEnvironmentVariable("LIKEPERSON_WRITE_SCHEMA") == "1")
            await File.WriteAllTextAsync(path, dump);

        var committed = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        var expected = committed.Split('\n');
        var actual = dump.Split('\n');
        var first = Enumerable.Range(0, Math.Max(expected.Length, actual.Length))
            .FirstOrDefault(i => i >= expected.Length || i >= actual.Length || expected[i] != actual[i], -1);
        Assert.True(first < 0,
            $"src/Likeperson/Database/schema.sql is stale (first difference at line {first + 1}): regenerate it with scripts/dump-schema.sh.\n" +
            $"  file:     {Line(expected, first)}\n  database: {Line(actual, first)}");
    }

    private static string Line(string[] lines, int i) => i >= 0 && i < lines.Length ? lines[i] : "(end of file)";

    /// <summary>Drops what differs between PostgreSQL builds and runs: version comments, and 15.14+'s random \restrict key.</summary>
    public static string Normalise(string dump) =>
        string.Join('\n', dump.ReplaceLineEndings("\n").Split('\n').Where(l => !VersionSpecific().IsMatch(l))).Trim('\n') + "\n";

    [GeneratedRegex(@"^(-- Dumped (from database|by pg_dump) version .*|\\(un)?restrict .*|SET transaction_timeout = .*)$")]
    private static partial Regex VersionSpecific();

    private static async Task<string> DumpAsync()
    {
        var cluster = await TestCluster.ClusterAsync();
        var db = await TestCluster.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(db.Owner).Database!;
        var psi = new ProcessStartInfo(Path.Combine(EmbeddedPostgres.BinaryDirectory(), "pg_dump"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "--schema-only", "--no-owner", "--no-tablespaces", "-h", cluster.SocketDirectory, "-U", "postgres", database })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await stderr}");
        return await stdout;
    }
}
