using Npgsql;

namespace Likeperson.Database;

/// <summary>
/// The three connections the server needs. The application role owns nothing and is subject to
/// row-level security; the worker role (BYPASSRLS) serves background work and system-admin setup;
/// the owner runs migrations. With no ConnectionStrings:Likeperson, all three point at the
/// embedded cluster.
/// </summary>
public sealed record DatabaseConnections(string Application, string Worker, string? Owner)
{
    public const string AppRole = "likeperson_app";
    public const string WorkerRole = "likeperson_worker";
    public const string DatabaseName = "likeperson";

    public static DatabaseConnections FromConfiguration(IConfiguration config)
    {
        var app = config.GetConnectionString("Likeperson");
        var worker = config.GetConnectionString("LikepersonWorker");
        if (string.IsNullOrWhiteSpace(app))
            throw new StartupException("ConnectionStrings:Likeperson is empty; use the embedded database instead.");
        if (string.IsNullOrWhiteSpace(worker))
            throw new StartupException(
                "ConnectionStrings:LikepersonWorker is required with an external database: the background workers connect " +
                $"as the '{WorkerRole}' role: set it (see docs/configuration.md, 'Running against your own PostgreSQL').");
        return new(app, worker, config.GetConnectionString("LikepersonOwner"));
    }

    /// <summary>Connections to a cluster on a Unix socket with trust authentication (embedded or tests).</summary>
    public static DatabaseConnections ForSocket(string socketDirectory, string database) => new(
        Build(socketDirectory, database, AppRole),
        Build(socketDirectory, database, WorkerRole),
        Build(socketDirectory, database, "postgres"));

    public static string Build(string socketDirectory, string database, string user) =>
        new NpgsqlConnectionStringBuilder { Host = socketDirectory, Database = database, Username = user, MaxPoolSize = 60 }
            .ConnectionString;
}
