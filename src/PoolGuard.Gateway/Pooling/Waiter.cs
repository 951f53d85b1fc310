namespace PoolGuard.Gateway.Pooling;

/// <summary>A client queued for a server. Granted a server that is either ready or still to connect.</summary>
internal sealed class Waiter
{
    public Waiter(ClientSlot client, long enqueuedAt)
    {
        Client = client;
        EnqueuedAt = enqueuedAt;
        Node = new LinkedListNode<Waiter>(this);
    }

    public ClientSlot Client { get; }

    public long EnqueuedAt { get; }

    public LinkedListNode<Waiter> Node { get; }

    // Continuations must not run inside the pool lock that grants the server.
    public TaskCompletionSource<ServerConnection> Grant { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
