namespace Likeperson.Database;

/// <summary>
/// A set-up problem the operator must fix (missing PostgreSQL binaries, an unusable data directory).
/// Its message is one sentence saying what is wrong and how to fix it; Program.cs prints just that.
/// </summary>
public sealed class StartupException(string message) : InvalidOperationException(message);
