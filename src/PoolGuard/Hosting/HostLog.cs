using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Hosting;

/// <summary>The process host's log lines (ids in <see cref="LogEventIds"/>). Never a secret in them.</summary>
internal static partial class HostLog
{
    /// <summary>The category of the host's own lines, as an operator greps for it.</summary>
    public const string Category = "PoolGuard";

    [LoggerMessage(LogEventIds.ConfigWarning, LogLevel.Warning, "{Warning}")]
    public static partial void ConfigWarning(this ILogger logger, string warning);

    [LoggerMessage(LogEventIds.CannotStart, LogLevel.Critical, "Cannot start: {Reason}")]
    public static partial void CannotStart(this ILogger logger, string reason);

    [LoggerMessage(LogEventIds.AdminHttpListening, LogLevel.Information, "Admin HTTP endpoint on {Address} (/metrics, /api/*, /healthz, /readyz)")]
    public static partial void AdminHttpListening(this ILogger logger, Uri address);

    [LoggerMessage(LogEventIds.Running, LogLevel.Information, "PoolGuard running with {File}; {Databases} database(s) configured")]
    public static partial void Running(this ILogger logger, string file, int databases);

    [LoggerMessage(LogEventIds.ShuttingDown, LogLevel.Information, "Shutting down: letting transactions finish for up to {Seconds} s (shutdown_timeout)")]
    public static partial void ShuttingDown(this ILogger logger, double seconds);

    [LoggerMessage(LogEventIds.ReloadRequested, LogLevel.Information, "Reloading the configuration ({Reason})")]
    public static partial void ReloadRequested(this ILogger logger, string reason);

    [LoggerMessage(LogEventIds.ReloadCrashed, LogLevel.Error, "Reload failed unexpectedly; the previous configuration stays in force")]
    public static partial void ReloadCrashed(this ILogger logger, Exception exception);

    [LoggerMessage(LogEventIds.ConfigWatchUnavailable, LogLevel.Warning, "Cannot watch {File} for changes ({Reason}); reload with SIGHUP or RELOAD on the admin console instead")]
    public static partial void ConfigWatchUnavailable(this ILogger logger, string file, string reason);
}
