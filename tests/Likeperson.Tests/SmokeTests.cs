using System.Text.Json;
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
        var ready = await server.AsSystemAdmin().GetAsync("/readyz");
        var body = await ready.ReadAsync<JsonElement>();
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

    [Fact]
    public async Task OpenApi_Document_IsJsonWithEveryFeaturesRoutesAndTheAdditionsNotes()
    {
        var response = await server.Anonymous().GetAsync("/openapi/v1.json");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var info = doc.GetProperty("info");
        Assert.Equal(("Likeperson API", "v1"), (info.GetProperty("title").GetString(), info.GetProperty("version").GetString()));
        Assert.Equal(OpenApiNotes.Description.ReplaceLineEndings("\n"), info.GetProperty("description").GetString()!.ReplaceLineEndings("\n"));
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] contract =
        [
            "/api/v1/organizations", "/api/v1/organizations/{orgId}/settings", "/api/v1/organizations/{orgId}/chapters",
            "/api/v1/organizations/{orgId}/people", "/api/v1/organizations/{orgId}/people/{personId}/memberships", "/api/v1/contacts",
            "/api/v1/mentors/{mentorId}", "/api/v1/mentors/{mentorId}/pause", "/api/v1/mentors/{mentorId}/reactivate",
            "/api/v1/mentors/{mentorId}/reactivation/acknowledge", "/api/v1/mentors/{mentorId}/reactivation/hold",
            "/api/v1/mentors/{mentorId}/deactivate", "/api/v1/mentors/{mentorId}/certification", "/api/v1/mentors/{mentorId}/pauses",
            "/api/v1/pauses/{pauseId}/notifications", "/api/v1/roster/paused", "/api/v1/assignments", "/api/v1/assignments/{assignmentId}",
            "/api/v1/assignments/{assignmentId}/activities", "/api/v1/notifications", "/api/v1/notifications/{id}/delivered",
            "/api/v1/notifications/{id}/opened", "/api/v1/notifications/{id}/acknowledge", "/api/v1/me/notification-preferences",
            "/api/v1/me/devices", "/api/v1/me/devices/{token}", "/api/v1/events", "/api/v1/jobs/{name}/run", "/api/v1/jobs/runs",
            "/healthz", "/readyz",
        ];
        string[] additions =
        [
            "/api/v1/organizations/{orgId}", "/api/v1/contacts/{contactId}", "/api/v1/notifications/undeliverable-count",
            "/api/v1/jobs/discrepancies", "/api/v1/me",
        ];
        Assert.Empty(contract.Concat(additions).Where(p => !paths.Contains(p)));
        Assert.DoesNotContain(paths, p => p.StartsWith("/api/v1/demo")); // Development only
        foreach (var addition in additions)
            Assert.Contains($"`GET {addition.Replace("{orgId}", "{org_id}").Replace("{contactId}", "{contact_id}")}", OpenApiNotes.Description);
    }

    [Fact]
    public async Task SwaggerUi_Page_ServesAndPointsAtTheOpenApiDocument()
    {
        var client = server.Anonymous();

        var page = await client.GetAsync("/swagger/index.html");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", await page.Content.ReadAsStringAsync());
        var init = await client.GetStringAsync("/swagger/index.js");
        Assert.Contains("/openapi/v1.json", init);
        Assert.Equal(200, (int)(await client.GetAsync("/swagger/swagger-ui-bundle.js")).StatusCode);
        var root = await client.GetAsync("/swagger");
        Assert.True((int)root.StatusCode is 200 or 301 or 302, $"/swagger answered {(int)root.StatusCode}");
    }
}
