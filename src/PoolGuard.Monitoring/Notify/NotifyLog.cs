using Microsoft.Extensions.Logging;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Monitoring.Notify;

/// <summary>The notifiers' log lines: one when a receiver starts failing, one when it answers again, one per
/// notification given up — never one per retry. Targets are written as scheme://host:port (webhook paths hold tokens).</summary>
internal static partial class NotifyLog
{
    [LoggerMessage(LogEventIds.NotificationFailed, LogLevel.Warning, "Notifying {Receiver} at {Target} failed ({Reason}); retrying with backoff")]
    public static partial void NotificationFailed(this ILogger logger, string receiver, string target, string reason);

    [LoggerMessage(LogEventIds.NotificationRecovered, LogLevel.Information, "{Receiver} at {Target} answers again after {Failures} failed attempt(s)")]
    public static partial void NotificationRecovered(this ILogger logger, string receiver, string target, long failures);

    [LoggerMessage(LogEventIds.NotificationDropped, LogLevel.Warning, "Gave up a notification to {Receiver} at {Target} ({Why})")]
    public static partial void NotificationDropped(this ILogger logger, string receiver, string target, string why);
}
