using System.Text.RegularExpressions;

namespace Likeperson.Tests;

/// <summary>
/// README.md and docs/*.md refer only to what the repository holds: every relative link or image resolves to a file or
/// folder, every repository path quoted in backticks (`src/…`, `tests/…`, `scripts/…`, `docs/…`) exists, and every file
/// named in backticks (`Web/UiTexts.cs`, `schema.sql`) or document cited by name (architecture.md) is a file of the
/// repository.
/// </summary>
public sealed partial class DocsLinkTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Likeperson.slnx"))) dir = dir.Parent;
        return dir!.FullName;
    }

    public static TheoryData<string> Documents()
    {
        var docs = new TheoryData<string> { "README.md" };
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Order())
            docs.Add(Path.GetRelativePath(Root, f));
        return docs;
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)|<img[^>]+src=""(?<target>[^""]+)""")]
    private static partial Regex Link();

    [GeneratedRegex(@"`(?<path>(?:src|tests|scripts|docs|bench)/[\w./-]+)`")]
    private static partial Regex QuotedPath();

    [GeneratedRegex(@"`(?<file>\w[\w/-]*\.(?:cs|sql|sh|js|json|md|png|cshtml|csproj|slnx))`")]
    private static partial Regex QuotedFile();

    /// <summary>A document cited by name in the text ("see contracts.md"), outside links.</summary>
    [GeneratedRegex(@"(?<![\w/.-])(?<!\]\()(?<file>\w[\w/-]*\.md)\b")]
    private static partial Regex CitedDocument();

    private static readonly Lazy<string[]> RepositoryFiles = new(() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => "/" + Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("/node_modules/") && !f.StartsWith("/.")).ToArray());

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_QuotedFileNames_AreFilesOfTheRepository(string document)
    {
        var text = File.ReadAllText(Path.Combine(Root, document));
        var missing = QuotedFile().Matches(text).Concat(CitedDocument().Matches(text)).Select(m => m.Groups["file"].Value)
            .Where(f => !f.Contains("NNNN") && !RepositoryFiles.Value.Any(r => r.EndsWith("/" + f, StringComparison.Ordinal)))
            .Distinct().ToList();
        Assert.True(missing.Count == 0, $"{document} names files the repository does not hold: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_RelativeLinks_ResolveInTheRepository(string document)
    {
        var text = File.ReadAllText(Path.Combine(Root, document));
        var dir = Path.GetDirectoryName(Path.Combine(Root, document))!;
        var broken = Link().Matches(text).Select(m => m.Groups["target"].Value)
            .Where(t => !t.StartsWith('#') && !Uri.TryCreate(t, UriKind.Absolute, out _))
            .Select(t => t.Split('#')[0])
            .Where(t => !File.Exists(Path.Combine(dir, t)) && !Directory.Exists(Path.Combine(dir, t)))
            .ToList();
        Assert.True(broken.Count == 0, $"{document} links to what the repository does not hold: {string.Join(", ", broken)}");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_QuotedRepositoryPaths_Exist(string document)
    {
        var text = File.ReadAllText(Path.Combine(Root, document));
        var missing = QuotedPath().Matches(text).Select(m => m.Groups["path"].Value.TrimEnd('.', '/'))
            .Where(p => !p.Contains('*') && !File.Exists(Path.Combine(Root, p)) && !Directory.Exists(Path.Combine(Root, p)))
            .Distinct().ToList();
        Assert.True(missing.Count == 0, $"{document} names paths the repository does not hold: {string.Join(", ", missing)}");
    }
}
