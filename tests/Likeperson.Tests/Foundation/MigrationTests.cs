using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>The migrator on databases of its own: down removes everything, up is repeatable, edits are refused, instances take turns.</summary>
public sealed class MigrationTests
{
    /// <summary>Everything a migration could leave behind in the public schema, as comparable text.</summary>
    private static async Task<HashSet<string>> SchemaObjectsAsync(string owner)
    {
        await using var conn = new NpgsqlConnection(owner);
        return (await conn.QueryAsync<string>("""
            SELECT 'class ' || relkind::text || ' ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
            UNION ALL SELECT 'function ' || oid::regprocedure FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
            UNION ALL SELECT 'constraint ' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL SELECT 'policy ' || p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
                      WHERE c.relnamespace = 'public'::regnamespace
            UNION ALL SELECT 'trigger ' || c.relname || '.' || CASE WHEN t.tgisinternal  -- named by oid: name it by its constraint
                        THEN (SELECT conname FROM pg_constraint WHERE oid = t.tgconstraint) || ' ' || t.tgfoid::regproc ELSE t.tgname END
                      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace
            UNION ALL SELECT 'schema acl ' || coalesce(nspacl::text, 'default') FROM pg_namespace WHERE nspname = 'public'
            UNION ALL SELECT 'default acl ' || defaclacl::text FROM pg_default_acl
            UNION ALL SELECT 'extension ' || extname FROM pg_extension
            UNION ALL SELECT 'event trigger ' || evtname FROM pg_event_trigger
            UNION ALL SELECT 'grant ' || r.rolname || ' ' || c.relname FROM pg_class c CROSS JOIN pg_roles r
                      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                        AND r.rolname IN ('likeperson_app', 'likeperson_worker')
                        AND has_table_privilege(r.rolname, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
            """)).ToHashSet();
    }

    private static readonly string[] MigrationTable =
        ["class r schema_migrations", "class i schema_migrations_pkey", "constraint schema_migrations_pkey",
         "type schema_migrations", "type _schema_migrations"];

    [Fact]
    public async Task MigrateDown_ToZero_RemovesEveryObjectAndUpWorksAgain()
    {
        var owner = await TestCluster.CreateEmptyDatabaseAsync();
        var pristine = await SchemaObjectsAsync(owner);
        Assert.Equal(Migrator.All.Count, await new Migrator(owner).MigrateUpAsync());
        var migrated = await SchemaObjectsAsync(owner);
        Assert.Contains("class r pause_records", migrated);

        Assert.Equal(Migrator.All.Count, await new Migrator(owner).MigrateDownAsync(0));
        var down = await SchemaObjectsAsync(owner);
        Assert.Empty(pristine.Except(down));
        Assert.Equal(MigrationTable.Order(), down.Except(pristine).Order()); // only public.schema_migrations remains
        await using (var conn = new NpgsqlConnection(owner))
            Assert.Equal(0, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations"));

        Assert.Equal(Migrator.All.Count, await new Migrator(owner).MigrateUpAsync());
        Assert.Equal(migrated.Order(), (await SchemaObjectsAsync(owner)).Order());
    }

    [Fact]
    public async Task MigrateUp_AlreadyCurrent_IsANoOp()
    {
        var db = await TestCluster.CreateDatabaseAsync(); // cloned from the migrated template
        var before = await SchemaObjectsAsync(db.Owner!);
        Assert.Equal(0, await new Migrator(db.Owner!).MigrateUpAsync());
        Assert.Equal(0, await new Migrator(db.Owner!).MigrateDownAsync(Migrator.Latest));
        Assert.Equal(before.Order(), (await SchemaObjectsAsync(db.Owner!)).Order());
        await using var conn = new NpgsqlConnection(db.Owner);
        Assert.Equal(Migrator.Latest, await conn.ExecuteScalarAsync<int>("SELECT max(version) FROM schema_migrations"));
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task MigrateUp_EditedAppliedMigration_IsRefusedLoudly(string checksum)
    {
        var db = await TestCluster.CreateDatabaseAsync();
        await using (var conn = new NpgsqlConnection(db.Owner))
            await conn.ExecuteAsync("UPDATE schema_migrations SET checksum = @checksum WHERE version = 1", new { checksum });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new Migrator(db.Owner!).MigrateUpAsync());
        Assert.Contains("Migration 1 (foundation) was edited after it was applied", e.Message);
        Assert.Contains("add a new one", e.Message);
    }

    [Fact]
    public async Task MigrateUp_TwoInstancesAtOnce_ApplyEachMigrationOnce()
    {
        var owner = await TestCluster.CreateEmptyDatabaseAsync();
        var counts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => new Migrator(owner).MigrateUpAsync())));
        Assert.Equal(Migrator.All.Count, counts.Sum());
        await using var conn = new NpgsqlConnection(owner);
        var versions = (await conn.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version")).ToArray();
        Assert.Equal(Migrator.All.Select(m => m.Version), versions);
    }
}
