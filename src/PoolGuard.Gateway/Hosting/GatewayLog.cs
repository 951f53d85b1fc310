using Microsoft.Extensions.Logging;

namespace PoolGuard.Gateway.Hosting;

/// <summary>Source-generated log messages: no formatting cost when the level is off. Never a secret in them.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {Endpoint}")]
    public static partial void Listening(this ILogger logger, string endpoint);

    [LoggerMessage(2, LogLevel.Information, "Login refused for {Client}: {Code} {Message}")]
    public static partial void LoginRefused(this ILogger logger, string client, string code, string message);

    [LoggerMessage(3, LogLevel.Warning, "Server login failed for pool {Pool}: {Code} {Message}")]
    public static partial void ServerLoginFailed(this ILogger logger, string pool, string code, string message);

    [LoggerMessage(4, LogLevel.Warning, "Client {Client} ended with a protocol violation: {Reason}")]
    public static partial void ClientProtocolViolation(this ILogger logger, string client, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Server for pool {Pool} closed the connection while linked to {Client}")]
    public static partial void ServerLost(this ILogger logger, string pool, string client);

    [LoggerMessage(13, LogLevel.Warning, "{Client} left {Situation}; its server in pool {Pool} could never finish, so it is closed now")]
    public static partial void ClientLeftServerWaiting(this ILogger logger, string client, string situation, string pool);

    [LoggerMessage(6, LogLevel.Warning, "Refused client from {Remote}: max_client_conn ({Max}) reached; further refusals are counted until none for a second (event refusals_ended)")]
    public static partial void ClientConnLimit(this ILogger logger, string remote, int max);

    [LoggerMessage(7, LogLevel.Error, "Unexpected error in {Client}")]
    public static partial void SessionFailed(this ILogger logger, Exception exception, string client);

    [LoggerMessage(8, LogLevel.Information, "Stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(9, LogLevel.Warning, "Could not open a min_pool_size server for pool {Pool}: {Message}")]
    public static partial void MinPoolConnectFailed(this ILogger logger, string pool, string message);

    [LoggerMessage(10, LogLevel.Warning, "{Count} client session(s) still open at shutdown; closing anyway")]
    public static partial void SessionsStillOpen(this ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Information, "{Client} disconnected by {Setting}")]
    public static partial void ClientTimedOut(this ILogger logger, string client, string setting);

    [LoggerMessage(20, LogLevel.Warning, "{Count} client(s) still in a transaction after shutdown_timeout ({Seconds} s); closing them")]
    public static partial void SessionsStillInTransaction(this ILogger logger, int count, double seconds);

    [LoggerMessage(21, LogLevel.Error, "{Message}")]
    public static partial void EventFileFailed(this ILogger logger, string message);

    [LoggerMessage(22, LogLevel.Information, "{Summary}")]
    public static partial void Reloaded(this ILogger logger, string summary);

    [LoggerMessage(23, LogLevel.Error, "{Summary}")]
    public static partial void ReloadFailed(this ILogger logger, string summary);
    [LoggerMessage(40, LogLevel.Information, "TLS handshake with {Client} failed: {Reason}")]
    public static partial void ClientTlsFailed(this ILogger logger, string client, string reason);
}
