using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>`backup FILE` and `restore FILE`: a wiped database gets every row back; a restore under a running server is refused.</summary>
public sealed class BackupRestoreTests
{
    private static string[] External(DatabaseConnections db) => ServerProcess.External(db);

    /// <summary>Row count and a digest of every row, per table of the schema (the migrations' bookkeeping included).</summary>
    private static async Task<Dictionary<string, string>> FingerprintAsync(string owner)
    {
        await using var conn = new NpgsqlConnection(owner);
        var tables = await conn.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
        var result = new Dictionary<string, string>();
        foreach (var table in tables)
            result[table] = await conn.ExecuteScalarAsync<string>(
                $"SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM public.\"{table}\" t") ?? "";
        return result;
    }

    private static async Task<DatabaseConnections> PopulatedDatabaseAsync()
    {
        var db = await TestCluster.CreateDatabaseAsync();
        await using var worker = NpgsqlDataSource.Create(db.Worker);
        var world = new World(worker);
        var org = await world.StandardOrgAsync();
        await world.AssignmentRowAsync(org.Id, org.MentorA, org.ContactA, 1);
        await using var conn = await worker.OpenConnectionAsync();
        await conn.ExecuteAsync("SELECT enqueue_outbox(@id, 'mentor_status_changed', '{\"transition\": \"pause\"}')", new { id = org.Id });
        NpgsqlConnection.ClearPool(new NpgsqlConnection(db.Worker));
        return db;
    }

    [Fact]
    public async Task BackupWipeRestore_EveryRowIsBack()
    {
        var db = await PopulatedDatabaseAsync();
        var file = Path.Combine(Path.GetTempPath(), $"lp-backup-{Guid.NewGuid():N}.dump");
        try
        {
            var before = await FingerprintAsync(db.Owner!);
            Assert.Contains("organizations", before.Keys);
            Assert.StartsWith("1 ", before["organizations"]);
            Assert.StartsWith("1 ", before["outbox"]);

            Assert.Equal(0, await Verbs.BackupAsync([file, .. External(db)]));
            Assert.True(new FileInfo(file).Length > 0);

            await using (var conn = new NpgsqlConnection(db.Owner))
            {
                var tables = string.Join(", ", before.Keys.Select(t => $"public.\"{t}\""));
                await conn.ExecuteAsync($"TRUNCATE {tables} CASCADE; DROP TABLE public.assignment_activities CASCADE");
            }
            Assert.NotEqual(before, await FingerprintAsync(db.Owner!));

            Assert.Equal(0, await Verbs.RestoreAsync([file, .. External(db)]));

            Assert.Equal(before, await FingerprintAsync(db.Owner!));
            // The restored schema still works for the application role (grants, policies and functions came back too).
            await using var app = new NpgsqlConnection(db.Application);
            Assert.Equal(Migrator.Latest, await app.ExecuteScalarAsync<int>("SELECT max(version) FROM schema_migrations"));
        }
        finally
        {
            File.Delete(file);
            NpgsqlConnection.ClearPool(new NpgsqlConnection(db.Application));
        }
    }

    [Fact]
    public async Task Restore_WhileAnotherSessionIsConnected_RefusedAndNothingChanged()
    {
        var db = await PopulatedDatabaseAsync();
        var file = Path.Combine(Path.GetTempPath(), $"lp-backup-{Guid.NewGuid():N}.dump");
        try
        {
            Assert.Equal(0, await Verbs.BackupAsync([file, .. External(db)]));
            await using var conn = new NpgsqlConnection(db.Owner);
            await conn.OpenAsync(); // stands for a running server
            await conn.ExecuteAsync("UPDATE organizations SET name = 'Changed after the backup'");
            var before = await FingerprintAsync(db.Owner!);

            var e = await Assert.ThrowsAsync<StartupException>(() => Verbs.RestoreAsync([file, .. External(db)]));

            Assert.Contains("stop every Likeperson instance", e.Message);
            Assert.Equal(before, await FingerprintAsync(db.Owner!));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Restore_NoSuchFile_OneSentenceAndNothingTouched()
    {
        var e = await Assert.ThrowsAsync<StartupException>(() => Verbs.RestoreAsync(["/nonexistent/backup.dump", "--ConnectionStrings:Likeperson=Host=127.0.0.1;Port=1"]));
        Assert.Contains("There is no backup file /nonexistent/backup.dump", e.Message);
    }
}
