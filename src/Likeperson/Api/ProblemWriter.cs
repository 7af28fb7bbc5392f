using Microsoft.AspNetCore.Http.Json;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
using Microsoft.Extensions.Options;

namespace Likeperson;

/// <summary>
/// The one writer behind <see cref="IProblemDetailsService"/>: every problem response (ours from <see cref="ProblemMapping"/>,
/// the framework's status-code pages) is `application/problem+json` with a title and a stable `code`. Unlike the framework's
/// default writer it writes whatever the request's Accept says, so a client that asked for `text/event-stream` (an
/// EventSource refused with 401) still hears why. Registered before AddProblemDetails, so it is the one chosen.
/// </summary>
public sealed class ProblemWriter(IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ??= http.Response.StatusCode;
        problem.Title = ProblemMapping.Title(status);
        var code = problem.Extensions.TryGetValue("code", out var c) && c is string s ? s : ProblemMapping.CodeFor(status);
        problem.Extensions["code"] = code;
        problem.Type ??= $"https://likeperson.no/problems/{code}";
        problem.Detail ??= DefaultDetail(status); // the framework's own answers (status-code pages) carry none
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, json.Value.SerializerOptions, "application/problem+json"));
    }

    private static string DefaultDetail(int status) => status switch
    {
        400 => "The request is malformed.",
        401 => "A valid bearer token is required (missing, expired or badly signed).",
        403 => "Your role does not allow this.",
        404 => "There is nothing here: an unknown route, or an id that is not a UUID.",
        405 => "This route does not answer that method.",
        415 => "The body must be JSON (Content-Type: application/json).",
        _ => ProblemMapping.Title(status),
    };
}
