namespace PoolGuard.Gateway.Pooling;

/// <summary>A client's place in a pool's counts. <see cref="State"/> changes only under its pool's lock.</summary>
internal sealed class ClientSlot
{
    public ClientState State { get; set; } = ClientState.Login;

    /// <summary>The client's place in a queue, made at its first wait and reused for every later one.</summary>
    public Waiter? Waiter { get; set; }
}
