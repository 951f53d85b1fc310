namespace PoolGuard.Gateway.Pooling;

/// <summary>A pool is per (database as the client names it, user as the client logs in).</summary>
public readonly record struct PoolKey(string Database, string User)
{
    public override string ToString() => $"{Database}/{User}";
}
