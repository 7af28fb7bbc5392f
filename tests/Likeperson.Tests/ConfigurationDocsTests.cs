using System.Reflection;
using Likeperson.Jobs;
using Likeperson.Notifications;
using Likeperson.Realtime;

namespace Likeperson.Tests;

/// <summary>The README's "## Configuration" table names every key the code reads, so a new option cannot go undocumented.</summary>
public sealed class ConfigurationDocsTests
{
    private static string ConfigurationSection()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "README.md"))) dir = dir.Parent;
        var readme = File.ReadAllText(Path.Combine(dir!.FullName, "README.md"));
        var start = readme.IndexOf("\n## Configuration\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Configuration' section");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    /// <summary>The keys an options class binds: its settable properties, nested classes as sub-sections.</summary>
    private static IEnumerable<string> KeysOf(Type options, string prefix)
    {
        foreach (var p in options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{p.Name}";
            if (p.PropertyType.IsClass && p.PropertyType != typeof(string) && p.PropertyType.Namespace!.StartsWith("Likeperson"))
                foreach (var nested in KeysOf(p.PropertyType, key)) yield return nested;
            else yield return key;
        }
    }

    public static TheoryData<string> Keys()
    {
        var keys = new TheoryData<string>();
        foreach (var key in KeysOf(typeof(PushOptions), "Push").Concat(KeysOf(typeof(NotificationOptions), "Notifications"))
                     .Concat(KeysOf(typeof(StreamOptions), "Events"))
                     .Concat(KeysOf(typeof(JobOptions), "Jobs").Where(k => k != "Jobs:EventRetentionDays")) // read from Events:RetentionDays
                     .Concat([
                         "ConnectionStrings:Likeperson", "ConnectionStrings:LikepersonWorker", "ConnectionStrings:LikepersonOwner",
                         "Database:DataDirectory", "Auth:JwtSecret", "Auth:Issuer", "Auth:Audience", "Auth:SystemAdmins", "Demo:Seed",
                     ]))
            keys.Add(key);
        return keys;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Readme_ConfigurationTable_NamesTheKey(string key)
    {
        Assert.True(ConfigurationSection().Contains($"`{key}`"), $"README.md '## Configuration' does not document `{key}`");
    }
}
