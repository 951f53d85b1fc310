namespace PoolGuard.Gateway.Pooling;

/// <summary>One pool's numbers at one instant, all read under the same lock so they add up.</summary>
public sealed record PoolSnapshot(
    PoolKey Key,
    int ClientsActive,
    int ClientsWaiting,
    int ServersActive,
    int ServersIdle,
    int ServersUsed,
    int ServersLogin,
    int PoolSize,
    TimeSpan MaxWait)
{
    public int ServersTotal => ServersActive + ServersIdle + ServersUsed + ServersLogin;
}
