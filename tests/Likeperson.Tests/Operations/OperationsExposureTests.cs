using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Likeperson.Operations;
using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;

namespace Likeperson.Tests.Operations;

/// <summary>The server as Production runs it: operations endpoints closed to anonymous callers unless configured open.</summary>
public sealed class ProductionServer : TestServer
{
    public const string ScrapeToken = "scrape-token-for-tests-0123456789abcdef";
    protected override string Environment => "Production";
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Operations:AccessToken"] = ScrapeToken };
}

public sealed class OperationsExposureTests(ProductionServer server) : IClassFixture<ProductionServer>
{
    [Fact]
    public async Task Readyz_Anonymous_StatusOnly_SystemAdminAlsoSchemaAndProblems()
    {
        var anonymous = JsonSerializer.Deserialize<JsonElement>(await server.Anonymous().GetStringAsync("/readyz"));
        Assert.Equal(["status"], anonymous.EnumerateObject().Select(p => p.Name));
        // A person's token is no operator's.
        Assert.Equal(["status"], (await (await server.As(Guid.NewGuid()).GetAsync("/readyz")).ReadAsync<JsonElement>()).EnumerateObject().Select(p => p.Name));

        var admin = await (await server.AsSystemAdmin().GetAsync("/readyz")).ReadAsync<JsonElement>();
        Assert.Equal(["status", "schema_version", "expected_schema_version", "problems"], admin.EnumerateObject().Select(p => p.Name));
        Assert.Equal(anonymous.GetProperty("status").GetString(), admin.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    public async Task TokenEndpoint_Production_401AnonymousOrPerson_200ForSystemAdminOrScrapeToken(string path)
    {
        await (await server.Anonymous().GetAsync(path)).ProblemAsync(401, "unauthorized");
        await (await server.As(Guid.NewGuid()).GetAsync(path)).ProblemAsync(401, "unauthorized");
        var wrong = server.Anonymous();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProductionServer.ScrapeToken + "x");
        await (await wrong.GetAsync(path)).ProblemAsync(401, "unauthorized");

        Assert.Equal(HttpStatusCode.OK, (await server.AsSystemAdmin().GetAsync(path)).StatusCode);
        var scraper = server.Anonymous();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProductionServer.ScrapeToken);
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task SwaggerUi_Production_OffForEveryone()
    {
        await (await server.Anonymous().GetAsync("/swagger/index.html")).ProblemAsync(404, "not_found");
        await (await server.AsSystemAdmin().GetAsync("/swagger/index.html")).ProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task Configured_MetricsOffOpenApiOnSwaggerOn_AnsweredSo()
    {
        await using var app = await server.StartAsync(new Dictionary<string, string?>
        {
            ["Operations:Metrics"] = "off", ["Operations:OpenApi"] = "on", ["Operations:SwaggerUi"] = "ON",
        });
        using var client = new HttpClient(new NoServerErrors()) { BaseAddress = TestServer.AddressOf(app) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProductionServer.ScrapeToken);
        await (await client.GetAsync("/metrics")).ProblemAsync(404, "not_found");
        using var anonymous = new HttpClient(new NoServerErrors()) { BaseAddress = TestServer.AddressOf(app) };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/swagger/index.html")).StatusCode);
    }

    [Theory]
    [InlineData("Operations:Metrics", "sometimes", "Operations:Metrics must be on, off or token")]
    [InlineData("Operations:OpenApi", "1", "Operations:OpenApi must be on, off or token")]
    [InlineData("Operations:AccessToken", "short", "at least 32 characters")]
    [InlineData("Operations:Otlp:Endpoint", "collector:4317", "absolute http(s) URL")]
    public void Options_BadValue_FailsNamingTheKey(string key, string value, string message)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var e = Assert.Throws<InvalidOperationException>(() =>
            OperationsOptions.FromConfiguration(config, new HostingEnvironment { EnvironmentName = "Production" }));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("Development", ExposureMode.On, ExposureMode.On, ExposureMode.On)]
    [InlineData("Testing", ExposureMode.On, ExposureMode.On, ExposureMode.On)]
    [InlineData("Production", ExposureMode.Token, ExposureMode.Token, ExposureMode.Off)]
    public void Options_Defaults_OpenInDevelopmentAndTestingClosedElsewhere(string env, ExposureMode metrics, ExposureMode openApi, ExposureMode swagger)
    {
        var o = OperationsOptions.FromConfiguration(new ConfigurationBuilder().Build(), new HostingEnvironment { EnvironmentName = env });
        Assert.Equal((metrics, openApi, swagger), (o.Metrics, o.OpenApi, o.SwaggerUi));
    }
}
