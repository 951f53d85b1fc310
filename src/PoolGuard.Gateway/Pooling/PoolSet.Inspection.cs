namespace PoolGuard.Gateway.Pooling;

/// <summary>Reads for the admin console and statistics: nothing here changes a pool.</summary>
internal sealed partial class PoolSet
{
    /// <summary>Every pool made so far; its counts still change only under the lock, its Stats are atomics.</summary>
    public IReadOnlyList<Pool> ListPools()
    {
        lock (_lock)
        {
            return [.. _pools.Values];
        }
    }
}
