using Microsoft.Extensions.Logging;

namespace PoolGuard.Gateway.Hosting;

/// <summary>Source-generated log messages: no formatting cost when the level is off. Never a secret in them. Ids: <see cref="LogEventIds"/>.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(LogEventIds.Listening, LogLevel.Information, "Listening on {Endpoint}")]
    public static partial void Listening(this ILogger logger, string endpoint);

    [LoggerMessage(LogEventIds.LoginRefused, LogLevel.Information, "Login refused for {Client}: {Code} {Message}")]
    public static partial void LoginRefused(this ILogger logger, string client, string code, string message);

    [LoggerMessage(LogEventIds.ServerLoginFailed, LogLevel.Warning, "Server login failed for pool {Pool}: {Code} {Message}")]
    public static partial void ServerLoginFailed(this ILogger logger, string pool, string code, string message);

    [LoggerMessage(LogEventIds.ClientProtocolViolation, LogLevel.Warning, "Client {Client} ended with a protocol violation: {Reason}")]
    public static partial void ClientProtocolViolation(this ILogger logger, string client, string reason);

    [LoggerMessage(LogEventIds.ServerLost, LogLevel.Warning, "Server for pool {Pool} closed the connection while linked to {Client}")]
    public static partial void ServerLost(this ILogger logger, string pool, string client);

    [LoggerMessage(LogEventIds.ClientLeftServerWaiting, LogLevel.Warning, "{Client} left {Situation}; its server in pool {Pool} could never finish, so it is closed now")]
    public static partial void ClientLeftServerWaiting(this ILogger logger, string client, string situation, string pool);

    [LoggerMessage(LogEventIds.ClientConnLimit, LogLevel.Warning, "Refused client from {Remote}: max_client_conn ({Max}) reached; further refusals are counted until none for a second (event refusals_ended)")]
    public static partial void ClientConnLimit(this ILogger logger, string remote, int max);

    [LoggerMessage(LogEventIds.SessionFailed, LogLevel.Error, "Unexpected error in {Client}")]
    public static partial void SessionFailed(this ILogger logger, Exception exception, string client);

    [LoggerMessage(LogEventIds.Stopped, LogLevel.Information, "Stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(LogEventIds.MinPoolConnectFailed, LogLevel.Warning, "Could not open a min_pool_size server for pool {Pool}: {Message}")]
    public static partial void MinPoolConnectFailed(this ILogger logger, string pool, string message);

    [LoggerMessage(LogEventIds.SessionsStillOpen, LogLevel.Warning, "{Count} client session(s) still open at shutdown; closing anyway")]
    public static partial void SessionsStillOpen(this ILogger logger, int count);

    [LoggerMessage(LogEventIds.ClientTimedOut, LogLevel.Information, "{Client} disconnected by {Setting}")]
    public static partial void ClientTimedOut(this ILogger logger, string client, string setting);

    [LoggerMessage(LogEventIds.SessionsStillInTransaction, LogLevel.Warning, "{Count} client(s) still in a transaction after shutdown_timeout ({Seconds} s); closing them")]
    public static partial void SessionsStillInTransaction(this ILogger logger, int count, double seconds);

    [LoggerMessage(LogEventIds.EventFileFailed, LogLevel.Error, "{Message}")]
    public static partial void EventFileFailed(this ILogger logger, string message);

    [LoggerMessage(LogEventIds.Reloaded, LogLevel.Information, "{Summary}")]
    public static partial void Reloaded(this ILogger logger, string summary);

    [LoggerMessage(LogEventIds.ReloadFailed, LogLevel.Error, "{Summary}")]
    public static partial void ReloadFailed(this ILogger logger, string summary);

    [LoggerMessage(LogEventIds.ClientTlsFailed, LogLevel.Information, "TLS handshake with {Client} failed: {Reason}")]
    public static partial void ClientTlsFailed(this ILogger logger, string client, string reason);
}
