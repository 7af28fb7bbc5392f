using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Likeperson;

/// <summary>
/// The one place where failures become RFC 9457 problem responses with a stable `code`. SQL
/// functions raise custom SQLSTATEs 'LPnnn' (nnn = HTTP status, MESSAGE = code, DETAIL = text), so
/// the database's rules reach the client without C# keeping a second copy of them.
/// </summary>
public sealed class ProblemMapping(ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (ClientWentAway(http, exception))
        {
            // Nobody is left to read an answer; not a server failure (499 is what the access log shows).
            logger.LogInformation("Client went away during {Method} {Path}", http.Request.Method, http.Request.Path);
            if (!http.Response.HasStarted) http.Response.StatusCode = 499;
            return true;
        }
        var (status, code, detail, errors) = Map(exception);
        if (status >= 500)
            logger.LogError(exception, "Unhandled failure on {Method} {Path}", http.Request.Method, http.Request.Path);
        await WriteAsync(http, status, code, detail, errors);
        return true;
    }

    /// <summary>
    /// Work cancelled because the request was aborted: the handlers pass RequestAborted down, so Npgsql cancels the
    /// statement (OperationCanceledException, or an NpgsqlException if the cancellation itself timed out).
    /// </summary>
    private static bool ClientWentAway(HttpContext http, Exception e) =>
        http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or NpgsqlException and not PostgresException;

    /// <summary>
    /// Writes a problem response through the framework's <see cref="IProblemDetailsService"/> (see <see cref="ProblemWriter"/>):
    /// type, title, status, detail, code and, for field errors, errors; an optional header (Retry-After on 429).
    /// </summary>
    public static Task WriteAsync(HttpContext http, int status, string code, string detail, IDictionary<string, string[]>? errors = null,
        (string Name, string Value)? header = null)
    {
        if (http.Response.HasStarted) return Task.CompletedTask;
        http.Response.Clear();
        http.Response.StatusCode = status;
        if (header is var (name, value)) http.Response.Headers[name] = value;
        var problem = new ProblemDetails
        {
            Type = $"https://likeperson.no/problems/{code}", Title = Title(status), Status = status, Detail = detail,
            Extensions = { ["code"] = code },
        };
        if (errors is not null) problem.Extensions["errors"] = errors;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).AsTask();
    }

    public static string Title(int status) => status switch
    {
        400 => "Malformed request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        412 => "Precondition failed",
        415 => "Unsupported media type",
        422 => "Unprocessable request",
        429 => "Too many requests",
        _ => "Server error",
    };

    public static string CodeFor(int status) => status switch
    {
        400 => "malformed_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        412 => "version_mismatch",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        _ => "error",
    };

    /// <summary>What a failure means for the caller: the API's problem response, and the web pages' message.</summary>
    public static Problem Map(Exception e) => e switch
    {
        ApiException a => new(a.Status, a.Code, a.Message, a.Errors),
        BadHttpRequestException b => new(b.StatusCode == 415 ? 415 : 400, b.StatusCode == 415 ? "unsupported_media_type" : "malformed_request",
            b.InnerException is JsonException j ? JsonProblem(j) : b.Message, null),
        JsonException j => new(400, "malformed_request", JsonProblem(j), null),
        // A string that is no valid UTF-16 (a lone surrogate) cannot be encoded for PostgreSQL, nor read from UTF-8.
        EncoderFallbackException or DecoderFallbackException => new(400, "malformed_request",
            "The request holds text that is not valid Unicode (a lone surrogate or invalid UTF-8).", null),
        NpgsqlException { InnerException: EncoderFallbackException } => new(400, "malformed_request",
            "The request holds text that is not valid Unicode (a lone surrogate or invalid UTF-8).", null),
        PostgresException p => MapPostgres(p),
        _ => new(500, "internal_error", "Something went wrong on our side; it has been logged.", null),
    };

    private static string JsonProblem(JsonException j) => j.Path is { Length: > 0 } path
        ? $"The JSON body could not be read at {path}: wrong type, unknown enum value or bad format."
        : "The JSON body is malformed or missing.";

    private static Problem MapPostgres(PostgresException p)
    {
        if (p.SqlState.StartsWith("LP") && int.TryParse(p.SqlState[2..], out var status))
        {
            IDictionary<string, string[]>? errors = p.Hint switch
            {
                { Length: > 0 } hint when hint.StartsWith('{') => FieldErrors(hint).Errors,
                { Length: > 0 } field => new Dictionary<string, string[]> { [field] = [p.Detail ?? p.MessageText] },
                _ => null,
            };
            return new(status, p.MessageText, p.Detail ?? p.MessageText, errors);
        }
        var (s, c, d, e) = p.SqlState switch
        {
            PostgresErrorCodes.CheckViolation when p.ConstraintName == "notification_preferences_critical" =>
                (422, "critical_notification", "Certification-expiry auto-pause notifications are compliance-critical: they cannot be disabled or put in a digest.", null),
            PostgresErrorCodes.CheckViolation => (422, "validation_failed", $"The value breaks the rule '{p.ConstraintName}'.",
                new Dictionary<string, string[]> { [FieldOf(p.ConstraintName)] = [$"Breaks the rule '{p.ConstraintName}'."] }),
            PostgresErrorCodes.UniqueViolation => (409, "conflict", $"That already exists ({p.ConstraintName}).", null),
            PostgresErrorCodes.ForeignKeyViolation => (422, "validation_failed", "A referenced record does not exist in this organisation.", null),
            PostgresErrorCodes.InsufficientPrivilege => (403, "forbidden", "Your role does not allow this.", null),
            PostgresErrorCodes.StringDataRightTruncation or PostgresErrorCodes.InvalidTextRepresentation
                or PostgresErrorCodes.InvalidDatetimeFormat or PostgresErrorCodes.DatetimeFieldOverflow
                or PostgresErrorCodes.NumericValueOutOfRange => (422, "validation_failed", p.MessageText, null),
            // Valid JSON can carry \u0000, which PostgreSQL text and jsonb cannot store.
            PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter =>
                (422, "validation_failed", "Text may not contain the NUL character (\\u0000).", null),
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable =>
                (409, "conflict", "A concurrent change won; fetch the current state and try again.", null),
            _ => (500, "internal_error", "Something went wrong on our side; it has been logged.", (IDictionary<string, string[]>?)null),
        };
        return new(s, c, d, e);
    }

    /// <summary>
    /// An LP error with several field errors carries them as JSON in HINT (a plain HINT names one field, DETAIL its
    /// message): `{"errors": {"field": ["message", ...]}, "codes": {"field": "code"}}`; codes are optional. The batch
    /// dispatch (assignment_create_batch) reports every refused item this way.
    /// </summary>
    public static (IDictionary<string, string[]>? Errors, IDictionary<string, string> Codes) FieldErrors(string hint)
    {
        var codes = new Dictionary<string, string>();
        try
        {
            using var json = JsonDocument.Parse(hint);
            Dictionary<string, string[]>? errors = null;
            if (json.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                errors = e.EnumerateObject().ToDictionary(f => f.Name, f => f.Value.ValueKind == JsonValueKind.Array
                    ? f.Value.EnumerateArray().Select(m => m.ToString()).ToArray() : [f.Value.ToString()]);
            if (json.RootElement.TryGetProperty("codes", out var c) && c.ValueKind == JsonValueKind.Object)
                foreach (var f in c.EnumerateObject()) codes[f.Name] = f.Value.ToString();
            return (errors, codes);
        }
        catch (JsonException)
        {
            return (new Dictionary<string, string[]> { ["body"] = [hint] }, codes);
        }
    }

    /// <summary>The machine code of each field error of a refusal (see <see cref="FieldErrors"/>), empty when it has none.</summary>
    public static IDictionary<string, string> FieldCodes(Exception e) =>
        e is PostgresException { Hint: { } hint } p && p.SqlState.StartsWith("LP") && hint.StartsWith('{')
            ? FieldErrors(hint).Codes : new Dictionary<string, string>();

    /// <summary>Constraint names follow table_field_rule, so the field is readable from them.</summary>
    private static string FieldOf(string? constraint)
    {
        if (constraint is null) return "body";
        var parts = constraint.Split('_');
        return parts.Length >= 3 ? string.Join('_', parts[1..^1]) : constraint;
    }
}

/// <summary>A failure as the caller hears of it: HTTP status, stable code, text and field errors.</summary>
public sealed record Problem(int Status, string Code, string Detail, IDictionary<string, string[]>? Errors);
