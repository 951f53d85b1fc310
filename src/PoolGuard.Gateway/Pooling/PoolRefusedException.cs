using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Pooling;

/// <summary>The pool would not give a server: queue full or waited too long. Carries the client's error.</summary>
internal sealed class PoolRefusedException(PgError error) : Exception(error.Message)
{
    public PgError Error { get; } = error;

    /// <summary>
    /// The wait queue was full: the refusal concerns this request only, so a client already logged
    /// in (transaction pooling) is told with an ERROR and keeps its connection.
    /// </summary>
    public bool QueueFull { get; init; }
}
