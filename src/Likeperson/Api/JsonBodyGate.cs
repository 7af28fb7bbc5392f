using System.Text.Json;
using System.Text.Unicode;

namespace Likeperson;

/// <summary>
/// Reads every JSON request body once before an endpoint sees it and refuses, with 400 malformed_request, what no
/// endpoint could read safely: invalid UTF-8, a lone surrogate escape ("\ud800"), nesting deeper than
/// <see cref="MaxDepth"/>, a member repeated within one object, or JSON that is not well formed. Endpoints bind or
/// parse the body as before; this gate only makes sure every one of them gets text that decodes, so a malformed body
/// can never surface as an exception from deep inside a handler (or from Npgsql encoding a string for PostgreSQL).
/// </summary>
public static class JsonBodyGate
{
    public const int MaxDepth = 64;

    public static IApplicationBuilder UseJsonBodyGate(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.HasJsonContentType() && http.Request.ContentLength is not 0)
        {
            http.Request.EnableBuffering();
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            http.Request.Body.Position = 0;
            if (buffer.Length > 0 && Problem(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } detail)
            {
                await ProblemMapping.WriteAsync(http, 400, "malformed_request", detail);
                return;
            }
        }
        await next(http);
    });

    /// <summary>What is wrong with the body, or null when it is well-formed JSON of valid text.</summary>
    public static string? Problem(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
            return "The body is not valid UTF-8 text.";
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        var members = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        members.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        members.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!; // throws on a lone surrogate escape
                        if (!members.Peek().Add(name))
                            return $"The member \"{name}\" appears more than once in one object.";
                        break;
                    case JsonTokenType.String:
                        _ = reader.GetString();
                        break;
                }
            }
            return null;
        }
        catch (JsonException e)
        {
            return $"The JSON body is malformed: {e.Message}"; // names the position, or the depth limit
        }
        catch (InvalidOperationException)
        {
            return "The JSON body holds a string that is no valid text (a lone surrogate escape such as \\ud800).";
        }
    }
}
