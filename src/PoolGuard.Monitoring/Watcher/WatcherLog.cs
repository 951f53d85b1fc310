using Microsoft.Extensions.Logging;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Monitoring.Watcher;

/// <summary>The watcher's log lines (ids in <see cref="LogEventIds"/>): one per change of a database's state, never per sample.</summary>
internal static partial class WatcherLog
{
    [LoggerMessage(LogEventIds.WatchingDatabases, LogLevel.Information, "Watching {Count} database(s) every {Seconds} s: {Names}")]
    public static partial void WatchingDatabases(this ILogger logger, int count, double seconds, string names);

    [LoggerMessage(LogEventIds.DatabaseNotWatched, LogLevel.Warning, "Not watched: {Reason}")]
    public static partial void DatabaseNotWatched(this ILogger logger, string reason);

    [LoggerMessage(LogEventIds.WatchedDatabaseDown, LogLevel.Warning, "Watched database {Database} cannot be sampled: {Error}")]
    public static partial void WatchedDatabaseDown(this ILogger logger, string database, string error);

    [LoggerMessage(LogEventIds.WatchedDatabaseUp, LogLevel.Information, "Watched database {Database} answers again")]
    public static partial void WatchedDatabaseUp(this ILogger logger, string database);
}
