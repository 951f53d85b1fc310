namespace PoolGuard.Gateway.Events;

/// <summary>Notable changes the gateway reports; monitoring, alerts and incident timelines read them.</summary>
public enum GatewayEventKind
{
    /// <summary>A pool has no free server and clients started queueing.</summary>
    PoolSaturated,
    /// <summary>The queue of a saturated pool emptied again.</summary>
    PoolRecovered,
    /// <summary>A client was refused (max_client_conn or a full wait queue).</summary>
    ClientRefused,
    /// <summary>A queued client gave up after query_wait_timeout.</summary>
    WaitTimeout,
    /// <summary>A TCP connection to PostgreSQL failed or timed out.</summary>
    ServerConnectFailed,
    /// <summary>PostgreSQL refused the gateway's login.</summary>
    ServerLoginFailed,
    /// <summary>The gateway started listening.</summary>
    Started,
    /// <summary>The gateway stopped.</summary>
    Stopped,
}
