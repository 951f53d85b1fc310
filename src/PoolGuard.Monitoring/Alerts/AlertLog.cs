using Microsoft.Extensions.Logging;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Monitoring.Alerts;

/// <summary>The alert engine's log lines (ids in <see cref="LogEventIds"/>): one per transition, never per evaluation.</summary>
internal static partial class AlertLog
{
    [LoggerMessage(LogEventIds.AlertFiring, LogLevel.Warning, "Alert {Rule} firing ({Severity}): {Summary} [{Labels}]")]
    public static partial void AlertFiring(this ILogger logger, string rule, string severity, string summary, string labels);

    [LoggerMessage(LogEventIds.AlertResolved, LogLevel.Information, "Alert {Rule} resolved: {Summary} [{Labels}]")]
    public static partial void AlertResolved(this ILogger logger, string rule, string summary, string labels);

    [LoggerMessage(LogEventIds.AlertListenerFailed, LogLevel.Error, "An alert listener failed for {Rule}")]
    public static partial void AlertListenerFailed(this ILogger logger, Exception exception, string rule);

    [LoggerMessage(LogEventIds.AlertRulesInForce, LogLevel.Information, "Evaluating {Count} alert rule(s) every {Seconds} s")]
    public static partial void AlertRulesInForce(this ILogger logger, int count, double seconds);
}
