using System.Diagnostics;
using System.Net.Http.Headers;

namespace Likeperson.Bench.Scenarios.Stream;

/// <summary>
/// Many open `GET /api/v1/events` streams, each read by a raw loop over the response stream (no line strings, no JSON):
/// the receive time is taken when the bytes arrive, then the complete lines are scanned for `bench:N` markers. Kept cheap
/// because on a small machine this load generator shares the CPU with the server it measures.
/// </summary>
public sealed class SseClients : IAsyncDisposable
{
    private static readonly byte[] Marker = "bench:"u8.ToArray();

    private readonly HttpClient _http;
    private readonly CommitLog _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Connection> _connections = [];
    private readonly List<Task> _readers = [];

    public SseClients(Uri server, CommitLog log)
    {
        _log = log;
        // One pool for all streams, with no per-server connection limit: each stream holds its own HTTP/1.1 connection.
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        }) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
    }

    public int Count => _connections.Count;

    /// <summary>Streams that ended before they were closed here (the server dropped them, e.g. as too slow).</summary>
    public int Ended => _connections.Count(c => c.Ended);

    /// <summary>Opens one stream per token, <paramref name="parallel"/> at a time; returns when every response has started.</summary>
    public async Task OpenAsync(IReadOnlyList<string> tokens, string query, int parallel, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(parallel);
        await Task.WhenAll(tokens.Select(async token =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events" + query);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"GET /api/v1/events answered {(int)response.StatusCode}.");
                var connection = new Connection(response);
                lock (_connections)
                {
                    _connections.Add(connection);
                    _readers.Add(Task.Run(() => ReadAsync(connection, _stop.Token), CancellationToken.None));
                }
            }
            finally { gate.Release(); }
        }));
    }

    /// <summary>Every latency sample (ms) of the changes in [<paramref name="from"/>, <paramref name="to"/>), and how many arrived.</summary>
    /// <remarks>
    /// With <paramref name="firstPerStream"/>, a number seen again on the same stream (another event naming the same change,
    /// such as a notification about it) is not counted twice.
    /// </remarks>
    public (Latency Latency, long Received) Samples(long from, long to, bool firstPerStream = false)
    {
        var latency = new Latency();
        long received = 0;
        foreach (var c in _connections)
            lock (c)
            {
                var seen = new HashSet<long>();
                for (var i = 0; i < c.Seqs.Count; i++)
                    if (c.Seqs[i] >= from && c.Seqs[i] < to && (!firstPerStream || seen.Add(c.Seqs[i])))
                    {
                        received++;
                        latency.Record(_log.LatencyMs(c.Seqs[i], c.ReceivedAt[i]));
                    }
            }
        return (latency, received);
    }

    private async Task ReadAsync(Connection c, CancellationToken ct)
    {
        var buffer = new byte[8 * 1024];
        var filled = 0;
        try
        {
            await using var body = await c.Response.Content.ReadAsStreamAsync(ct);
            while (true)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var n = await body.ReadAsync(buffer.AsMemory(filled), ct);
                if (n == 0) break;
                var now = Stopwatch.GetTimestamp();
                filled += n;
                var complete = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n') + 1;
                if (complete == 0) continue;
                Scan(buffer.AsSpan(0, complete), now, c);
                buffer.AsSpan(complete, filled - complete).CopyTo(buffer);
                filled -= complete;
            }
            c.Ended = true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e) when (e is IOException or HttpRequestException) { c.Ended = !ct.IsCancellationRequested; }
    }

    private static void Scan(ReadOnlySpan<byte> text, long receivedAt, Connection c)
    {
        int at;
        while ((at = text.IndexOf(Marker)) >= 0)
        {
            text = text[(at + Marker.Length)..];
            long seq = 0;
            var k = 0;
            for (; k < text.Length && (uint)(text[k] - '0') <= 9; k++) seq = seq * 10 + (text[k] - '0');
            text = text[k..];
            if (k == 0) continue;
            lock (c) { c.Seqs.Add(seq); c.ReceivedAt.Add(receivedAt); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await Task.WhenAll(_readers); } catch (OperationCanceledException) { }
        foreach (var c in _connections) c.Response.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }

    private sealed class Connection(HttpResponseMessage response)
    {
        public HttpResponseMessage Response { get; } = response;
        public List<long> Seqs { get; } = [];
        public List<long> ReceivedAt { get; } = [];
        public volatile bool Ended;
    }
}
