using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Likeperson.Tests.Foundation;

/// <summary>Cancellation caused by the client going away is no server error; the same failure with the client still there is.</summary>
public sealed class ProblemMappingTests
{
    private static async Task<int> StatusAfterAsync(Exception failure, bool clientGone)
    {
        using var aborted = new CancellationTokenSource();
        if (clientGone) aborted.Cancel();
        var services = new ServiceCollection().AddOptions().AddSingleton<IProblemDetailsWriter, ProblemWriter>().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestAborted = aborted.Token, RequestServices = services, Response = { Body = new MemoryStream() } };
        Assert.True(await new ProblemMapping(NullLogger<ProblemMapping>.Instance).TryHandleAsync(http, failure, CancellationToken.None));
        return http.Response.StatusCode;
    }

    [Fact]
    public async Task TryHandleAsync_CancelledAfterTheClientWentAway_Is499NotAServerError()
    {
        Assert.Equal(499, await StatusAfterAsync(new OperationCanceledException("Query was cancelled"), clientGone: true));
        Assert.Equal(499, await StatusAfterAsync(new NpgsqlException("Exception while reading from stream", new TimeoutException()), clientGone: true));
    }

    [Fact]
    public async Task TryHandleAsync_TimeoutWithTheClientStillThere_Is500()
    {
        Assert.Equal(500, await StatusAfterAsync(new NpgsqlException("Exception while reading from stream", new TimeoutException()), clientGone: false));
    }
}
