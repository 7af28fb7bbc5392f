namespace Likeperson.Bench;

/// <summary>
/// One benchmark scenario (one class in Scenarios/, listed in <see cref="ScenarioRegistry"/>). It builds what it needs
/// through the <see cref="BenchContext"/> (fresh database, real server, tokens, the realistic organisation), measures, and
/// returns flat figures (merged into bench/results.json) and a Markdown section (written into bench/README.md between
/// <c>&lt;!-- scenario:NAME --&gt;</c> markers, so scenarios never overwrite each other).
/// </summary>
public interface IScenario
{
    /// <summary>Short lower-case name, used on the command line and in the README markers.</summary>
    string Name { get; }

    /// <summary>Heading of the scenario's README section.</summary>
    string Title { get; }

    Task<ScenarioResult> RunAsync(BenchContext ctx, CancellationToken ct);
}

/// <summary>Figures are finite and positive (the quick-mode test checks it); keys are snake_case with a unit suffix.</summary>
public sealed record ScenarioResult(IReadOnlyDictionary<string, double> Figures, string Markdown);
