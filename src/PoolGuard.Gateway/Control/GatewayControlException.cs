using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Control;

/// <summary>A control action refused (no such database, no such client): the error for whoever asked.</summary>
public sealed class GatewayControlException(PgError error) : Exception(error.Message)
{
    public PgError Error { get; } = error;
}
