namespace PoolGuard.Gateway.Events;

/// <summary>Notable changes the gateway reports; monitoring, alerts and incident timelines read them.</summary>
public enum GatewayEventKind
{
    /// <summary>A pool has no free server and clients started queueing.</summary>
    PoolSaturated,
    /// <summary>A saturated pool's queue has stayed empty for a second: the episode is over (its length, peak queue and longest wait attached).</summary>
    PoolRecovered,
    /// <summary>The first client refused in an episode (max_client_conn or a full wait queue); the rest are counted.</summary>
    ClientRefused,
    /// <summary>No client has been refused for a second: the episode is over (count, first and last, per reason attached).</summary>
    RefusalsEnded,
    /// <summary>A queued client gave up after query_wait_timeout.</summary>
    WaitTimeout,
    /// <summary>A TCP connection to PostgreSQL failed or timed out.</summary>
    ServerConnectFailed,
    /// <summary>PostgreSQL refused the gateway's login.</summary>
    ServerLoginFailed,
    /// <summary>An idle server spoke or closed (terminated, PostgreSQL restarted): it was closed, never handed out.</summary>
    ServerLost,
    /// <summary>The gateway started listening.</summary>
    Started,
    /// <summary>A new configuration is in force (what changed attached).</summary>
    Reloaded,
    /// <summary>A reload was refused (invalid file); the previous configuration stays in force.</summary>
    ReloadFailed,
    /// <summary>PAUSE or KILL on the admin console: the database (or every one) hands out no servers until RESUME.</summary>
    Paused,
    /// <summary>RESUME on the admin console.</summary>
    Resumed,
    /// <summary>DISABLE: the database refuses new clients until ENABLE.</summary>
    Disabled,
    /// <summary>ENABLE: the database takes new clients again.</summary>
    Enabled,
    /// <summary>KILL_CLIENT: one client disconnected by an administrator.</summary>
    ClientKilled,
    /// <summary>RECONNECT: the database's (or every) server is replaced, idle ones at once, the rest when released.</summary>
    ServersReconnected,
    /// <summary>A graceful shutdown began: no new clients, transactions under way may finish (client count attached).</summary>
    ShutdownStarted,
    /// <summary>The gateway stopped.</summary>
    Stopped,
    /// <summary>The event file fell behind and dropped events (how many attached).</summary>
    EventsLost,
    /// <summary>An alert rule began firing (reported by the alert engine through <see cref="EventLog.Report"/>).</summary>
    AlertFiring,
    /// <summary>A firing alert resolved.</summary>
    AlertResolved,
}
