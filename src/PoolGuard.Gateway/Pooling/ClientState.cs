namespace PoolGuard.Gateway.Pooling;

/// <summary>Where a client connection is; counted per pool like <see cref="ServerState"/>.</summary>
public enum ClientState
{
    /// <summary>Startup and authentication; not yet in any pool.</summary>
    Login,
    /// <summary>Queued for a server.</summary>
    Waiting,
    /// <summary>Linked to a server.</summary>
    Active,
    /// <summary>Gone.</summary>
    Closed,
}
