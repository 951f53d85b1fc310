using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps what an in-process gateway logs, formatted, so a test can read the reason it gave.
/// Information and above unless told otherwise: the hot path's debug lines are not the point.
/// </summary>
internal sealed class LogCapture(LogLevel minimum = LogLevel.Information) : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("LogCapture keeps its own lines");

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= capture.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture._lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }

    private LogLevel Minimum { get; } = minimum;
}
