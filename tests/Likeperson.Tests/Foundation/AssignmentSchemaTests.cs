using Dapper;
using Likeperson.Tests.Infrastructure;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>The assignments table as the foundation issue fixes it: its columns and its seven indexes.</summary>
public sealed class AssignmentSchemaTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<List<string>> QueryAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(server.Database.Owner);
        return (await conn.QueryAsync<string>(sql)).ToList();
    }

    [Fact]
    public async Task Assignments_HaveTheSevenIndexesOfTheDataModel()
    {
        var indexes = await QueryAsync("""
            SELECT string_agg(a.attname, ',' ORDER BY k.ord)
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = 'assignments'::regclass AND i.indexprs IS NULL AND i.indpred IS NULL
            GROUP BY i.indexrelid
            """);

        string[] required =
        [
            "peer_mentor_id", "contact_id", "organization_id", "organization_id,status", "peer_mentor_id,status",
            "status,last_contact_date", "peer_mentor_id,organization_id,mentor_assignment_sequence",
        ];
        Assert.Empty(required.Except(indexes));
    }

    [Fact]
    public async Task Assignments_HaveTheColumnsOfTheDataModel()
    {
        var columns = await QueryAsync("""
            SELECT attname FROM pg_attribute WHERE attrelid = 'assignments'::regclass AND attnum > 0 AND NOT attisdropped
            """);

        string[] required =
        [
            "id", "peer_mentor_id", "contact_id", "organization_id", "status", "last_contact_date", "mentor_assignment_sequence",
            "created_at", "closed_at", "created_by", "closed_by", "notes", "honorarium_threshold_triggered", "version",
        ];
        Assert.Empty(required.Except(columns));
    }
}
