using System.Net.Http.Headers;

namespace Likeperson.Web;

/// <summary>
/// `GET /web/events`: relays the API's event stream (`/api/v1/events`) to the page, same-origin, authenticated by the
/// session cookie. The bearer token stays on the server (no `?access_token=` in page script). `Last-Event-ID`
/// (sent by the browser on reconnect) and `last_event_id` pass through, so the API's replay does the back-fill.
/// When the page is left the browser closes the request, which cancels the upstream stream too.
/// </summary>
public static class EventsProxy
{
    public const string ClientName = "likeperson-events";

    public static async Task RelayAsync(HttpContext http, IHttpClientFactory factory, LoopbackAddress self, LoopbackApi api)
    {
        var ct = http.RequestAborted;
        var query = QueryString.Create(http.Request.Query
            .Where(q => q.Key is "topics" or "chapter_id" or "last_event_id")
            .Select(q => KeyValuePair.Create(q.Key, q.Value.ToString()))!);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(self.Address, "/api/v1/events" + query));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Token ?? "");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastId)
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastId);
        HttpResponseMessage upstream;
        try { upstream = await factory.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct); }
        catch (OperationCanceledException) { return; }
        catch (HttpRequestException) { http.Response.StatusCode = StatusCodes.Status502BadGateway; return; }
        using (upstream)
        {
            http.Response.StatusCode = (int)upstream.StatusCode;
            if (!upstream.IsSuccessStatusCode)
            {
                // 401 (token expired) tells the page script to stop retrying and send the person to sign in.
                http.Response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "text/plain";
                await upstream.Content.CopyToAsync(http.Response.Body, ct);
                return;
            }
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await http.Response.StartAsync(ct);
            var buffer = new byte[8192];
            try
            {
                await using var body = await upstream.Content.ReadAsStreamAsync(ct);
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
                    await http.Response.Body.FlushAsync(ct);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                // The page went away or the upstream ended: the browser reconnects with Last-Event-ID when it is still there.
            }
        }
    }
}
