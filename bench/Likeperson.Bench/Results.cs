using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Likeperson.Bench;

/// <summary>
/// Writes a scenario's figures into bench/results.json (one flat object, keys sorted, so runs of different scenarios merge
/// and diffs stay small) and its Markdown into its own marked section of bench/README.md, under a header that says what
/// the machine was and how to run the bench.
/// </summary>
public static partial class Results
{
    public static string BenchDirectory()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Likeperson.slnx")))
                return Path.Combine(dir.FullName, "bench");
        throw new InvalidOperationException("Run the bench from inside the repository (Likeperson.slnx was not found above the current directory).");
    }

    public static void MergeFigures(string benchDir, IReadOnlyDictionary<string, double> figures)
    {
        var path = Path.Combine(benchDir, "results.json");
        var all = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (File.Exists(path))
            foreach (var (k, v) in JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(path)) ?? [])
                all[k] = v;
        foreach (var (k, v) in figures) all[k] = Math.Round(v, v >= 100 ? 1 : 3);
        File.WriteAllText(path, JsonSerializer.Serialize(all, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    public static void WriteSection(string benchDir, string name, string title, string markdown, string header)
    {
        var path = Path.Combine(benchDir, "README.md");
        var text = File.Exists(path) ? File.ReadAllText(path) : "";
        text = Replace(text, "header", header, atStart: true);
        text = Replace(text, $"scenario:{name}", $"## {title}\n\n{markdown.Trim()}\n", atStart: false);
        File.WriteAllText(path, text);
    }

    /// <summary>Replaces what lies between the markers, or adds the marked block (at the start or the end).</summary>
    private static string Replace(string text, string marker, string content, bool atStart)
    {
        var open = $"<!-- {marker} -->";
        var close = $"<!-- /{marker} -->";
        var block = $"{open}\n{content.TrimEnd()}\n{close}";
        var start = text.IndexOf(open, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(close, start, StringComparison.Ordinal);
        if (start >= 0 && end >= 0)
            return text[..start] + block + text[(end + close.Length)..];
        if (atStart)
            return block + "\n\n" + text.TrimStart();
        return text.TrimEnd() + (text.Length > 0 ? "\n\n" : "") + block + "\n";
    }

    public static string Header(string postgresVersion) => $"""
        # Benchmarks

        Run from the repository root (a throwaway PostgreSQL cluster is started and removed; nothing else is needed):

        ```sh
        dotnet run --project bench/Likeperson.Bench -c Release -- [--quick] [scenario ...]   # --list shows the scenarios
        ```

        Each scenario rewrites only its own section below and its own keys of `bench/results.json`. `--quick` (small
        data, seconds) is what `BenchQuickTests` runs so the bench cannot rot; its figures are not written here
        (`--quick --write` would).

        **Adding a scenario**: one class in `bench/Likeperson.Bench/Scenarios/` implementing `IScenario`, listed in
        `ScenarioRegistry`. `BenchContext` gives `Quick`, `CreateDatabaseAsync()` (fresh migrated database),
        `CreateLoadedDatabaseAsync()` / `SharedOrgAsync()` (the realistic organisation of `OrgLoader`),
        `StartServerAsync(db, settings)` (the real server on loopback; `server.As(personId)` is an HTTP client with a token)
        and `Token(personId)`; `Load.ClosedLoopAsync` and `Latency` measure; `Results.Table` formats.
        The cluster runs with `fsync = off` and `synchronous_commit = off`: the bench measures the code and the queries,
        not the disk.

        Last run: {DateTime.UtcNow:yyyy-MM-dd} on {Machine.CpuModel()}, {Environment.ProcessorCount} cores (`nproc` {Machine.Nproc()}),
        PostgreSQL {postgresVersion}, .NET {Environment.Version}. The machine is shared with other work, so figures are noisy;
        each section notes the load average seen while it ran.
        """;

    /// <summary>A Markdown table; numbers are formatted by <see cref="N"/>.</summary>
    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", headers).Append(" |\n");
        sb.Append('|').AppendJoin("", headers.Select(_ => "---|")).Append('\n');
        foreach (var row in rows) sb.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>A figure for a table: three significant digits is all a noisy machine can back.</summary>
    public static string N(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 => value.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };
}
