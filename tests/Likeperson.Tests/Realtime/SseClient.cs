using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Likeperson.Tests.Realtime;

/// <summary>One event of the stream as a client sees it.</summary>
public sealed record SseEvent(long? Id, string Type, string Data)
{
    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Data);
}

/// <summary>
/// A real Server-Sent Events client: one GET whose response stream is read line by line and parsed
/// as the EventSource specification says (fields id, event, data, retry; comment lines).
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    /// <summary>How long any single wait may take before the test fails (a liveness bound, not a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public int? Retry { get; private set; }
    public int Comments { get; private set; }
    /// <summary>The text of the last comment line read (without the colon).</summary>
    public string? LastComment { get; private set; }
    public bool RetryCameFirst { get; private set; }
    public long? LastEventId { get; private set; }
    public HttpResponseMessage Response => _response;
    private bool _anythingSeen;

    public static async Task<SseClient> OpenAsync(HttpClient client, string url = "/api/v1/events", long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId.ToString());
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new Xunit.Sdk.XunitException($"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>A parser over any body (a recorded frame, say): the same rules as a live stream.</summary>
    public static SseClient Over(Stream body) => new(new HttpResponseMessage(), body);

    /// <summary>
    /// The next event, parsed as the WHATWG EventSource specification says (comments and retry lines are recorded and
    /// skipped); null when the server ended the stream. Lines end at CR, LF or CRLF only (<see cref="StreamReader.ReadLineAsync()"/>
    /// splits exactly there, <c>SseClientTests</c> holds it to that), a field's value loses one leading space, `data`
    /// lines join with LF, an event without data is not dispatched, `retry` counts only when all ASCII digits.
    /// </summary>
    public async Task<SseEvent?> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        long? id = null;
        string type = "";
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            try { line = await _reader.ReadLineAsync(timeout.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"No event within {Patience.TotalSeconds} s."); }
            catch (IOException) { return null; } // the server cut the connection
            catch (HttpRequestException) { return null; }
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (data.Length == 0) { type = ""; continue; }
                if (id is not null) LastEventId = id;
                return new SseEvent(id, type.Length == 0 ? "message" : type, data.ToString(0, data.Length - 1));
            }
            if (line.StartsWith(':'))
            {
                Comments++;
                LastComment = line[1..].TrimStart(' ');
                _anythingSeen = true;
                continue;
            }
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "id" when !value.Contains('\0'): id = long.Parse(value); break;
                case "event": type = value; break;
                case "data": data.Append(value).Append('\n'); break;
                case "retry" when value.Length > 0 && value.All(char.IsAsciiDigit):
                    RetryCameFirst = !_anythingSeen;
                    Retry = int.Parse(value);
                    break;
            }
            _anythingSeen = true;
        }
    }

    /// <summary>The next <paramref name="count"/> events; fails if the stream ends first.</summary>
    public async Task<List<SseEvent>> TakeAsync(int count)
    {
        var events = new List<SseEvent>();
        while (events.Count < count)
            events.Add(await NextAsync() ?? throw new Xunit.Sdk.XunitException($"The stream ended after {events.Count} of {count} events."));
        return events;
    }

    /// <summary>Events until the one at <paramref name="position"/> (inclusive).</summary>
    public async Task<List<SseEvent>> UntilAsync(long position)
    {
        var events = new List<SseEvent>();
        while (events.Count == 0 || events[^1].Id < position)
            events.Add(await NextAsync() ?? throw new Xunit.Sdk.XunitException($"The stream ended before position {position}."));
        return events;
    }

    /// <summary>Waits for a comment line (heartbeat) with no event in between.</summary>
    public async Task WaitForCommentAsync()
    {
        var before = Comments;
        using var timeout = new CancellationTokenSource(Patience);
        while (Comments == before)
        {
            var line = await _reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line!.StartsWith(':')) Comments++;
            else if (line.StartsWith("retry:"))
            {
                RetryCameFirst = !_anythingSeen;
                Retry = int.Parse(line["retry:".Length..].Trim());
            }
            else Assert.True(line.Length == 0, $"Expected only a heartbeat, got '{line}'.");
            _anythingSeen |= line.Length > 0;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
