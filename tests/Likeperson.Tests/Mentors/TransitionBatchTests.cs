using System.Collections.Concurrent;
using Dapper;
using Likeperson.Database;
using Likeperson.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Likeperson.Tests.Mentors;

/// <summary>
/// The one-round-trip batch of a transition (Db.AsPersonAtOnceAsync). A refused transition is the common case under
/// contention; ending it must not make Npgsql cancel anything, since a cancellation leaves a read timer armed on the
/// pooled connection that, under load, fired during the next request's statement and failed it with a 500.
/// </summary>
public sealed class TransitionBatchTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly World _world = new(server.Worker);

    [Fact]
    public async Task AsPersonAtOnceAsync_RefusedStatement_RaisesItsErrorAndSendsNoCancelRequest()
    {
        var org = await _world.StandardOrgAsync();
        var logs = new DebugLogs();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        // As the server's pool (auto-prepare on), with one connection so that every call reuses the one before's.
        var settings = new NpgsqlConnectionStringBuilder(server.Database.Application) { MaxPoolSize = 1, MaxAutoPrepare = 200, AutoPrepareMinUsages = 2 };
        await using var db = new Db(new AppDataSource(new NpgsqlDataSourceBuilder(settings.ConnectionString).UseLoggerFactory(loggers).Build()),
            new WorkerDataSource(NpgsqlDataSource.Create(server.Database.Worker)));

        for (var i = 0; i < 3; i++) // the statements are auto-prepared from the second use on
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => db.AsPersonAtOnceAsync(org.Admin,
                $"SELECT version FROM mentor_reactivate(@mentorId, NULL::int, now());\n{Likeperson.Mentors.MentorsApi.LoadSql}",
                new DynamicParameters(new { mentorId = org.MentorA }), r => r.ReadSingleAsync<int>()));
            Assert.Equal("LP409", refused.SqlState);
        }
        var version = await db.AsPersonAtOnceAsync(org.Admin, "SELECT version FROM peer_mentors WHERE id = @mentorId",
            new DynamicParameters(new { mentorId = org.MentorA }), r => r.ReadSingleAsync<int>());

        Assert.Equal(1, version); // the refusals changed nothing and left the pooled connection usable
        Assert.DoesNotContain(logs.Messages, m => m.Contains("cancel", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(logs.Messages, m => m.Contains("Executing", StringComparison.OrdinalIgnoreCase)); // the log was captured
    }

    private sealed class DebugLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(DebugLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(formatter(state, exception));
        }
    }
}
