using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Clients;

/// <summary>Login refused; <see cref="Error"/> is sent to the client before the connection closes.</summary>
internal sealed class ClientLoginException(PgError error) : Exception(error.Message)
{
    public PgError Error { get; } = error;
}
