using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Likeperson.Database;

/// <summary>
/// Applies the numbered NNNN_name.up.sql / .down.sql pairs embedded in this assembly, in order,
/// each in its own transaction, under an advisory lock so that instances starting together
/// take turns. Applied migrations are recorded with a checksum; an edited one is refused.
/// </summary>
public sealed partial class Migrator(string ownerConnectionString, ILogger? logger = null)
{
    private const long AdvisoryLockKey = 0x4C_50_4D_49_47; // "LPMIG"

    public sealed record Migration(int Version, string Name, string Up, string Down)
    {
        public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Up)));
    }

    public static IReadOnlyList<Migration> All { get; } = Load();

    public static int Latest => All[^1].Version;

    public async Task<int> MigrateUpAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenLockedAsync(ct);
        var applied = await AppliedAsync(conn, ct);
        foreach (var (version, checksum) in applied)
        {
            var known = All.FirstOrDefault(m => m.Version == version);
            if (known is not null && known.Checksum != checksum)
                throw new InvalidOperationException(
                    $"Migration {version} ({known.Name}) was edited after it was applied (checksum {Short(checksum)} in the database, " +
                    $"{Short(known.Checksum)} in the code). Never edit an applied migration: add a new one.");
        }
        var count = 0;
        foreach (var m in All.Where(m => !applied.ContainsKey(m.Version)))
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await Execute(conn, m.Up, ct);
            await using var record = new NpgsqlCommand(
                "INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", conn);
            record.Parameters.AddWithValue(m.Version);
            record.Parameters.AddWithValue(m.Name);
            record.Parameters.AddWithValue(m.Checksum);
            await record.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            logger?.LogInformation("Applied migration {Version} {Name}", m.Version, m.Name);
            count++;
        }
        return count;
    }

    private static string Short(string checksum) => checksum.Length > 12 ? checksum[..12] : checksum;

    /// <summary>Undoes every applied migration above <paramref name="target"/>, newest first.</summary>
    public async Task<int> MigrateDownAsync(int target, CancellationToken ct = default)
    {
        await using var conn = await OpenLockedAsync(ct);
        var applied = await AppliedAsync(conn, ct);
        var count = 0;
        foreach (var version in applied.Keys.Where(v => v > target).OrderDescending())
        {
            var m = All.FirstOrDefault(x => x.Version == version)
                ?? throw new InvalidOperationException($"Migration {version} is applied but unknown to this build; cannot undo it.");
            await using var tx = await conn.BeginTransactionAsync(ct);
            await Execute(conn, m.Down, ct);
            await using var delete = new NpgsqlCommand("DELETE FROM public.schema_migrations WHERE version = $1", conn);
            delete.Parameters.AddWithValue(version);
            await delete.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            logger?.LogInformation("Reverted migration {Version} {Name}", m.Version, m.Name);
            count++;
        }
        return count;
    }

    /// <summary>The highest applied version, or 0; used by readiness checks.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT coalesce(max(version), 0) FROM public.schema_migrations", conn);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>How long an instance waits for another one's migrations before it gives up.</summary>
    public static TimeSpan LockWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A connection of its own (never pooled) holding the session-level advisory lock: closing it ends the session and
    /// so releases the lock, even if a migration throws. A pooled connection would go back to the pool still holding it
    /// (Npgsql resets a session only when it is next used), and every other instance would wait for ever.
    /// </summary>
    private async Task<NpgsqlConnection> OpenLockedAsync(CancellationToken ct)
    {
        // No command timeout: a long migration must not be cancelled half-way (it would roll back and run again at every start).
        var unpooled = new NpgsqlConnectionStringBuilder(ownerConnectionString) { Pooling = false, CommandTimeout = 0 };
        var conn = new NpgsqlConnection(unpooled.ConnectionString);
        await conn.OpenAsync(ct);
        try
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!await TryLockAsync(conn, ct))
            {
                if (waited.Elapsed > LockWait)
                    throw new StartupException(
                        $"Another instance has held the migration lock (pg_advisory_lock {AdvisoryLockKey}) for over {LockWait.TotalMinutes:0} minutes: " +
                        "wait for its migrations to finish, or end the session holding the lock (see pg_locks), then start again.");
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
            await Execute(conn, """
                CREATE TABLE IF NOT EXISTS public.schema_migrations (
                  version    int PRIMARY KEY,
                  name       text NOT NULL,
                  checksum   text NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLockKey})", conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<Dictionary<int, string>> AppliedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var result = new Dictionary<int, string>();
        await using var cmd = new NpgsqlCommand("SELECT version, checksum FROM public.schema_migrations", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result[reader.GetInt32(0)] = reader.GetString(1);
        return result;
    }

    private static async Task Execute(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex(@"\.Migrations\.(\d{4})_(\w+)\.(up|down)\.sql$")]
    private static partial Regex ResourceName();

    private static IReadOnlyList<Migration> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = assembly.GetManifestResourceNames()
            .Select(name => (name, match: ResourceName().Match(name)))
            .Where(x => x.match.Success)
            .Select(x => (version: int.Parse(x.match.Groups[1].Value), name: x.match.Groups[2].Value,
                          direction: x.match.Groups[3].Value, text: Read(assembly, x.name)))
            .ToList();
        var migrations = files.GroupBy(f => (f.version, f.name)).Select(g =>
        {
            var up = g.SingleOrDefault(f => f.direction == "up").text;
            var down = g.SingleOrDefault(f => f.direction == "down").text;
            if (up is null || down is null)
                throw new InvalidOperationException($"Migration {g.Key.version} ({g.Key.name}) needs both an .up.sql and a .down.sql.");
            return new Migration(g.Key.version, g.Key.name, up, down);
        }).OrderBy(m => m.Version).ToList();
        return migrations;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        return new StreamReader(stream).ReadToEnd();
    }
}
