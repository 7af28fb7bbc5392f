using System.Reflection;
using System.Text.RegularExpressions;
using Likeperson.Jobs;
using Likeperson.Notifications;
using Likeperson.Realtime;

namespace Likeperson.Tests;

/// <summary>
/// docs/configuration.md's key table names every key the code reads, with the code's default, so a new option (or a
/// changed default) cannot go undocumented. Keys come from the options classes (by reflection) and from every literal key
/// the source reads directly (`config["…"]`, `GetConnectionString`, `GetValue`), found by scanning src/.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Likeperson.slnx"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static readonly Lazy<string> Section = new(() => File.ReadAllText(Path.Combine(Root, "docs", "configuration.md")));

    /// <summary>Sections bound to an options class; their keys come from <see cref="Defaults"/>.</summary>
    private static readonly string[] OptionsSections = ["Push", "Notifications", "Events", "Jobs"];

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    /// <summary>Literal keys the source reads directly.</summary>
    private static IEnumerable<string> ReadKeys() =>
        SourceFiles().SelectMany(f => DirectRead().Matches(File.ReadAllText(f)))
            .Select(m => m.Groups["conn"].Success ? $"ConnectionStrings:{m.Groups["conn"].Value}" : m.Groups["key"].Value)
            .Distinct();

    [GeneratedRegex("""GetConnectionString\("(?<conn>\w+)"\)|(?:config|configuration|Configuration)\["(?<key>[\w:]+)"\]|GetValue<[^>]+>\("(?<key>[\w:]+)"\)|GetSection\("(?<key>[\w:]+)"\)\.Get<string\[\]>""")]
    private static partial Regex DirectRead();

    [GeneratedRegex("""GetSection\("(?<section>\w+)"\)\.Get<(?<type>\w+)>""")]
    private static partial Regex OptionsBinding();

    [Fact]
    public void Source_EveryBoundOptionsSection_IsCheckedByThisTest()
    {
        var bound = SourceFiles().SelectMany(f => OptionsBinding().Matches(File.ReadAllText(f))).Select(m => m.Groups["section"].Value).Distinct();
        Assert.All(bound, section => Assert.True(OptionsSections.Contains(section),
            $"the section `{section}` is bound to an options class: add it to ConfigurationDocsTests.Defaults and docs/configuration.md"));
    }

    /// <summary>The keys an options class binds (its settable properties, nested classes as sub-sections) with their defaults.</summary>
    private static IEnumerable<(string Key, object? Default)> KeysOf(object options, string prefix)
    {
        foreach (var p in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{p.Name}";
            var value = p.GetValue(options);
            if (p.PropertyType.IsClass && p.PropertyType != typeof(string) && p.PropertyType.Namespace!.StartsWith("Likeperson"))
                foreach (var nested in KeysOf(value!, key)) yield return nested;
            else yield return (key, value);
        }
    }

    private static readonly Dictionary<string, object?> Defaults =
        KeysOf(new PushOptions(), "Push").Concat(KeysOf(new NotificationOptions(), "Notifications"))
            .Concat(KeysOf(new StreamOptions(), "Events"))
            .Concat(KeysOf(new JobOptions(), "Jobs").Where(k => k.Key != "Jobs:EventRetentionDays")) // read from Events:RetentionDays
            .Append((Key: RateLimits.WritesPerMinuteKey, Default: (object?)RateLimits.DefaultWritesPerMinute))
            .ToDictionary(k => k.Key, k => k.Default);

    public static TheoryData<string> Keys()
    {
        var keys = new TheoryData<string>();
        foreach (var key in Defaults.Keys.Concat(ReadKeys().Where(k => !OptionsSections.Contains(k.Split(':')[0]))).Distinct())
            keys.Add(key);
        return keys;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void ConfigurationDoc_KeyTable_NamesTheKeyWithTheCodesDefault(string key)
    {
        var row = Section.Value.Split('\n').FirstOrDefault(l => l.StartsWith("| ") && l.Split('|')[1].Contains($"`{key}`"));
        Assert.True(row is not null, $"docs/configuration.md has no table row for `{key}`");
        if (!Defaults.TryGetValue(key, out var value) || value is null) return; // no default in code (a file path): the row says so

        // A row may name several keys, then its default cell lists their defaults in the same order.
        var cells = row.Split('|');
        var keys = cells[1].Split(',').Select(k => k.Trim().Trim('`')).ToList();
        var defaults = cells[2].Split(',').Select(d => d.Trim().Trim('`')).ToList();
        Assert.True(keys.Count == defaults.Count, $"`{key}`: the row's default cell does not give one default per key: {row}");
        var documented = defaults[keys.IndexOf(key)];
        string[] accepted = value switch
        {
            TimeSpan t => [t.ToString("c"), t.ToString(@"hh\:mm")],
            bool b => [b ? "true" : "false"],
            _ => [Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!],
        };
        Assert.True(accepted.Contains(documented), $"`{key}`: docs/configuration.md says {documented}, the code's default is {accepted[0]}");
    }
}
