using PoolGuard.Gateway.Pooling;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// What the transaction-mode client pump asks of the relay that owns its links: a server for the
/// request in hand, or a reply sent in the gateway's own name once the last link is done writing.
/// </summary>
internal interface ILinkOwner
{
    /// <summary>Links a server for the transaction the client is starting (waits in the pool's queue; throws PoolRefusedException when refused).</summary>
    ValueTask<ServerConnection> AttachAsync();

    /// <summary>Sends a reply the gateway gives itself, after everything the previous link wrote.</summary>
    ValueTask AnswerAsync(ReadOnlyMemory<byte> reply);
}
