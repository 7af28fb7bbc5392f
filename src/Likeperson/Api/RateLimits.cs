using System.Globalization;
using System.Threading.RateLimiting;
using Likeperson.Auth;
using Microsoft.AspNetCore.RateLimiting;

namespace Likeperson;

/// <summary>
/// Writes per person per minute (`Limits:WritesPerMinute`, default 120): every POST, PUT, PATCH and DELETE of an
/// authenticated caller counts against one fixed one-minute window keyed by the token's subject; the next one is
/// 429 `rate_limited` with `Retry-After` (seconds until the window ends). Reads, the event stream and anonymous
/// requests are not counted. The window lives in each instance's memory, so N instances allow up to N times the limit.
/// </summary>
public static class RateLimits
{
    public const string WritesPerMinuteKey = "Limits:WritesPerMinute";
    public const int DefaultWritesPerMinute = 120;

    public static IServiceCollection AddWriteRateLimit(this IServiceCollection services, IConfiguration config)
    {
        var limit = config.GetValue(WritesPerMinuteKey, DefaultWritesPerMinute);
        if (limit < 1)
            throw new Likeperson.Database.StartupException($"{WritesPerMinuteKey} must be a positive number of writes per minute (it is {limit}).");
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsWrite(http.Request.Method) && http.User.Subject() is { Length: > 0 } subject
                    ? RateLimitPartition.GetFixedWindowLimiter(subject, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                return new ValueTask(ProblemMapping.WriteAsync(context.HttpContext, 429, "rate_limited",
                    $"At most {limit} changes per minute per person; try again in {seconds} seconds.", null,
                    ("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))));
            };
        });
    }

    private static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
}
