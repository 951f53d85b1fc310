namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// One pool's numbers at one instant, all read under the same lock so they add up, with the pooling
/// mode in force for it (the user's pool_mode over the database's over the global one).
/// </summary>
public sealed record PoolSnapshot(
    PoolKey Key,
    int ClientsActive,
    int ClientsWaiting,
    int ServersActive,
    int ServersIdle,
    int ServersUsed,
    int ServersLogin,
    int PoolSize,
    TimeSpan MaxWait,
    Config.Model.PoolMode Mode = Config.Model.PoolMode.Session)
{
    public int ServersTotal => ServersActive + ServersIdle + ServersUsed + ServersLogin;
}
