using System.Reflection;
using Likeperson.Jobs;
using Likeperson.Notifications;
using Likeperson.Realtime;

namespace Likeperson.Tests;

/// <summary>
/// The README's "## Configuration" table names every key the code reads, with the code's default, so a new option (or a
/// changed default) cannot go undocumented.
/// </summary>
public sealed class ConfigurationDocsTests
{
    private static readonly Lazy<string> Section = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "README.md"))) dir = dir.Parent;
        var readme = File.ReadAllText(Path.Combine(dir!.FullName, "README.md"));
        var start = readme.IndexOf("\n## Configuration\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Configuration' section");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    });

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
        foreach (var key in Defaults.Keys.Concat([
                     "ConnectionStrings:Likeperson", "ConnectionStrings:LikepersonWorker", "ConnectionStrings:LikepersonOwner",
                     "Database:DataDirectory", "Auth:JwtSecret", "Auth:Issuer", "Auth:Audience", "Auth:SystemAdmins", "Demo:Seed",
                 ]))
            keys.Add(key);
        return keys;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Readme_ConfigurationTable_NamesTheKeyWithTheCodesDefault(string key)
    {
        var row = Section.Value.Split('\n').FirstOrDefault(l => l.StartsWith("| ") && l.Split('|')[1].Contains($"`{key}`"));
        Assert.True(row is not null, $"README.md '## Configuration' has no table row for `{key}`");
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
        Assert.True(accepted.Contains(documented), $"`{key}`: README says {documented}, the code's default is {accepted[0]}");
    }
}
