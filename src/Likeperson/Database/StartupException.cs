using Microsoft.AspNetCore.Connections;

namespace Likeperson.Database;

/// <summary>
/// A set-up problem the operator must fix (missing PostgreSQL binaries, an unusable data directory, a wrong connection
/// string). Its message is one sentence saying what is wrong and how to fix it; Program.cs prints just that.
/// </summary>
public sealed class StartupException(string message) : InvalidOperationException(message);

/// <summary>The one line Program.cs prints when the server or a verb cannot start: the cause and the remedy, no stack trace.</summary>
public static class StartupFailure
{
    public static string Describe(Exception e) => e switch
    {
        StartupException => e.Message,
        IOException { InnerException: AddressInUseException } =>
            $"{EmbeddedPostgres.OneLine(e.Message)}: another process listens there; stop it or choose another address with --urls (for example --urls http://127.0.0.1:5081).",
        // Binding a configuration section: "Failed to convert configuration value at 'Jobs:NightlyAt' to type 'System.TimeSpan'."
        InvalidOperationException when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            $"{EmbeddedPostgres.OneLine(e.Message)}: fix that setting (appsettings.json, an environment variable such as Jobs__NightlyAt, " +
            "or --Key=value; durations are hh:mm:ss) and start again.",
        // The options classes' own checks name the key and what it must be ("Events:RetentionDays must be at least 1.").
        InvalidOperationException =>
            $"Likeperson cannot start: {EmbeddedPostgres.OneLine(e.Message)}; fix the configuration (appsettings.json, environment variables or --Key=value) and start again.",
        _ => $"Likeperson cannot start: {EmbeddedPostgres.OneLine(e.Message)} ({e.GetType().Name}).",
    };
}
