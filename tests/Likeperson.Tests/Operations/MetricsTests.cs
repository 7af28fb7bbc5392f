using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using System.Text.RegularExpressions;
using Likeperson.Tests.Infrastructure;
using Likeperson.Tests.Mentors;
using Likeperson.Tests.Realtime;

namespace Likeperson.Tests.Operations;

/// <summary>`GET /metrics` is OpenTelemetry's Prometheus exporter: the app's stream, outbox and job figures and the platform's.</summary>
public sealed class MetricsTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Fact]
    public async Task Metrics_AfterAJobRunAndATransition_OutboxJobAndPlatformFiguresExported()
    {
        var org = await server.World.StandardOrgAsync();
        var run = await (await server.As(org.Admin).PostAsync("/api/v1/jobs/certification-expiry/run", null)).ReadAsync<JsonElement>();
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        await (await server.As(org.MentorA).TransitionAsync(org.MentorA, "pause", new { reason = "Exams" })).ReadAsync<JsonElement>();
        await StreamHelpers.EventuallyAsync(async () => Series(await Text(), "likeperson_outbox_dispatched_total").Sum(s => s.Value) >= 1,
            "the pause's outbox row was counted as dispatched");
        var text = await Text();
        var runs = Series(text, "likeperson_jobs_runs_total").Single(s => s.Labels.Contains("job=\"certification-expiry\""));
        Assert.Contains("status=\"succeeded\"", runs.Labels);
        Assert.Equal(1, runs.Value);
        Assert.Contains(Series(text, "likeperson_jobs_duration_seconds_count"), s => s.Labels.Contains("job=\"certification-expiry\""));
        Assert.Contains("otel_scope_name=\"Likeperson\"", runs.Labels);
        foreach (var platform in new[] { "http_server_request_duration_seconds_count", "db_client_operation_duration_seconds_count",
                                         "dotnet_process_memory_working_set_bytes", "likeperson_process_managed_heap_bytes" })
            Assert.NotEmpty(Series(text, platform));
        Assert.Contains("# TYPE likeperson_stream_subscribers gauge", text);
        Assert.Contains("# TYPE likeperson_stream_db_queries_total counter", text);
    }

    [Fact]
    public async Task Metrics_StreamEndedByTheServer_CountedByReason()
    {
        var org = await server.World.StandardOrgAsync();
        await using var instance = await StreamInstance.StartAsync(server);
        // A short-lived token, so that the server ends the stream soon; on a loaded machine it may expire before the stream
        // opens (401), and then the next one is tried, with more time.
        SseClient? sse = null;
        for (var seconds = 2; sse is null; seconds *= 2)
        {
            var token = server.Auth.Mint(org.Admin.ToString(), TimeSpan.FromSeconds(seconds));
            try { sse = await SseClient.OpenAsync(instance.Client(server.Anonymous()), StreamHelpers.Url($"access_token={token}")); }
            catch (Exception e) when (seconds < 16 && e.Message.Contains("401")) { }
        }
        await using var _ = sse;
        Assert.Null(await sse.NextAsync());
        var ended = Series(await instance.Client(server.Anonymous()).GetStringAsync("/metrics"), "likeperson_stream_ended_total");
        Assert.Equal(1, ended.Single(s => s.Labels.Contains("reason=\"token_expired\"")).Value);
    }

    private Task<string> Text() => server.Anonymous().GetStringAsync("/metrics");

    private static List<(string Labels, double Value)> Series(string text, string name) =>
        Regex.Matches(text, $"^{Regex.Escape(name)}(\\{{[^}}]*\\}})? (\\S+)$", RegexOptions.Multiline)
            .Select(m => (m.Groups[1].Value, double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
}

/// <summary>Metrics pushed to an OTLP collector over HTTP: a loopback fake that records what arrives.</summary>
public sealed class OtlpExportTests(StreamServer server) : IClassFixture<StreamServer>
{
    [Fact]
    public async Task Otlp_HttpCollectorConfigured_MetricsArriveAtV1MetricsWithTheAppsInstruments()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string Path, byte[] Body)>();
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var collector = builder.Build();
        collector.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            received.Enqueue((http.Request.Path, body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();

        await using var instance = await StreamInstance.StartAsync(server, new Dictionary<string, string?>
        {
            ["Operations:Otlp:Endpoint"] = $"http://127.0.0.1:{port}", ["Operations:Otlp:Protocol"] = "http/protobuf",
            ["Operations:Otlp:ExportInterval"] = "00:00:00.500",
        });
        // The protobuf carries instrument names as plain UTF-8.
        await StreamHelpers.EventuallyAsync(() => received.Any(r => r.Path == "/v1/metrics"
            && System.Text.Encoding.UTF8.GetString(r.Body).Contains("likeperson.stream.subscribers")), "metrics reached the collector");
    }
}
