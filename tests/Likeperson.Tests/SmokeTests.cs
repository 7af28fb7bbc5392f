using Likeperson.Tests.Infrastructure;

namespace Likeperson.Tests;

public sealed class SmokeTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task Healthz_Always_ReportsAlive()
    {
        var response = await server.Anonymous().GetAsync("/healthz");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Readyz_MigratedDatabase_IsReadyAtLatestVersion()
    {
        var ready = await server.Anonymous().GetAsync("/readyz");
        var body = await ready.ReadAsync<System.Text.Json.JsonElement>();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal(Likeperson.Database.Migrator.Latest, body.GetProperty("schema_version").GetInt32());
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheSetupRoutes()
    {
        var doc = await server.Anonymous().GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/organizations", doc);
        Assert.Contains("/api/v1/mentors/{mentorId}", doc);
    }
}
