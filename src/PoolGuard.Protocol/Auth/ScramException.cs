namespace PoolGuard.Protocol.Auth;

/// <summary>
/// A SCRAM message was malformed, asked for something PoolGuard does not support, or the peer
/// failed verification in a way that is not a plain wrong password. The message is safe to log:
/// it never contains keys, proofs or passwords.
/// </summary>
public sealed class ScramException : Exception
{
    public ScramException(string message)
        : base(message)
    {
    }
}
