using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Servers;

/// <summary>
/// Opening a server connection failed. <see cref="Error"/> is what the waiting client is told:
/// the server's own error when PostgreSQL refused the login, or a connection error naming the
/// server and the setting involved when it could not be reached.
/// </summary>
internal sealed class ServerLoginException(PgError error, bool fromServer) : Exception(error.Message)
{
    public PgError Error { get; } = error;

    /// <summary>True when PostgreSQL itself sent the error (login refused), false for network failures.</summary>
    public bool FromServer { get; } = fromServer;
}
