using Npgsql;

namespace Likeperson.Database;

/// <summary>
/// Brings the database to a usable state before the server takes requests: the embedded cluster
/// when no connection string is configured, the roles and database it needs, and migrations.
/// </summary>
public static class DatabaseStartup
{
    public static async Task<(DatabaseConnections Connections, EmbeddedPostgres? Embedded)> PrepareAsync(
        IConfiguration config, ILogger logger, bool migrate = true)
    {
        EmbeddedPostgres? embedded = null;
        DatabaseConnections connections;
        if (string.IsNullOrWhiteSpace(config.GetConnectionString("Likeperson")))
        {
            embedded = new EmbeddedPostgres(config["Database:DataDirectory"] ?? ".data/postgres");
            logger.LogInformation("Starting the embedded PostgreSQL in {Directory}", embedded.DataDirectory);
            await embedded.StartAsync();
            connections = DatabaseConnections.ForSocket(embedded.SocketDirectory, DatabaseConnections.DatabaseName);
            await ClusterSetup.EnsureRolesAndDatabaseAsync(
                DatabaseConnections.Build(embedded.SocketDirectory, "postgres", "postgres"), DatabaseConnections.DatabaseName);
        }
        else
        {
            connections = DatabaseConnections.FromConfiguration(config);
            await CheckAsync("Likeperson", connections.Application);
            await CheckAsync("LikepersonWorker", connections.Worker);
            if (connections.Owner is not null) await CheckAsync("LikepersonOwner", connections.Owner);
        }

        if (migrate && connections.Owner is not null)
        {
            var applied = await new Migrator(connections.Owner, logger).MigrateUpAsync();
            logger.LogInformation("Database schema is at version {Version} ({Applied} migration(s) applied now)", Migrator.Latest, applied);
        }
        return (connections, embedded);
    }

    /// <summary>Opens one connection with a configured connection string, so a wrong one stops the start-up with one clear sentence.</summary>
    private static async Task CheckAsync(string key, string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }; }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new StartupException($"ConnectionStrings:{key} is not a valid connection string ({EmbeddedPostgres.OneLine(e.Message)}): " +
                                       "write it as Host=...;Port=5432;Database=likeperson;Username=...;Password=....");
        }
        try
        {
            await using var conn = new NpgsqlConnection(builder.ConnectionString);
            await conn.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or ArgumentException)
        {
            var cause = e is PostgresException pg ? pg.MessageText : e.InnerException?.Message ?? e.Message;
            throw new StartupException(
                $"Cannot connect to PostgreSQL with ConnectionStrings:{key} (Host={builder.Host}, Port={builder.Port}, Database={builder.Database}, " +
                $"Username={builder.Username}): {EmbeddedPostgres.OneLine(cause)}; check that the server runs and accepts this user, and fix the connection string.");
        }
    }

    // IncludeErrorDetail: the SQL functions' DETAIL is the problem response's human sentence; Npgsql redacts it otherwise.
    // autoPrepare (the request path): statements a connection runs again are prepared, so PostgreSQL plans them once per
    // pooled connection instead of on every request (with RLS, planning cost as much as running a page of the roster).
    public static NpgsqlDataSource DataSource(string connectionString, string applicationName, bool autoPrepare = false)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName, IncludeErrorDetail = true };
        if (autoPrepare && builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 200;
            builder.AutoPrepareMinUsages = 2;
        }
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }
}

/// <summary>Stops the embedded cluster when the server shuts down (registered first, so it stops last).</summary>
public sealed class EmbeddedPostgresLifetime(EmbeddedPostgres? embedded) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => embedded?.StopAsync() ?? Task.CompletedTask;
}
