namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// Where a server connection is in its life. Every server is in exactly one state and a pool's
/// counts are the number of its servers per state, so SHOW POOLS, metrics and alerts agree.
/// </summary>
public enum ServerState
{
    /// <summary>Connecting and logging in; already counts against every cap.</summary>
    Login,
    /// <summary>In the pool, clean, ready to hand out.</summary>
    Idle,
    /// <summary>Linked to a client.</summary>
    Active,
    /// <summary>Released by its client, being reset (server_reset_query) before going idle.</summary>
    Used,
    /// <summary>Gone; no longer counted.</summary>
    Closed,
}
