using Npgsql;

namespace Likeperson.Database;

/// <summary>Creates the roles and the database a fresh cluster needs; safe to repeat.</summary>
public static class ClusterSetup
{
    /// <param name="ownerToMaintenanceDb">A superuser connection to an existing database (e.g. postgres).</param>
    public static async Task EnsureRolesAndDatabaseAsync(string ownerToMaintenanceDb, string database)
    {
        await using var conn = new NpgsqlConnection(ownerToMaintenanceDb);
        await conn.OpenAsync();
        await EnsureRolesAsync(conn);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", conn);
            await create.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Roles are cluster-wide, so they are made here and not by a migration (which a migrate-down would undo).</summary>
    public static async Task EnsureRolesAsync(NpgsqlConnection superuser)
    {
        const string sql = $"""
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{DatabaseConnections.AppRole}') THEN
                CREATE ROLE {DatabaseConnections.AppRole} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
              END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{DatabaseConnections.WorkerRole}') THEN
                CREATE ROLE {DatabaseConnections.WorkerRole} LOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE;
              END IF;
            END $$;
            """;
        await using var cmd = new NpgsqlCommand(sql, superuser);
        try { await cmd.ExecuteNonQueryAsync(); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { } // raced another instance
    }
}
