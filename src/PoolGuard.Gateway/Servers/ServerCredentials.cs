using PoolGuard.Gateway.Pooling;
using PoolGuard.Protocol.Auth;

namespace PoolGuard.Gateway.Servers;

/// <summary>Who the gateway logs in to PostgreSQL as, and with what. Secrets are never logged.</summary>
internal sealed record ServerCredentials(string User, string? Secret, byte[]? ScramClientKey)
{
    /// <summary>A database entry's forced user wins; otherwise the client's own user and secret.</summary>
    public static ServerCredentials For(Pool pool)
    {
        if (pool.Database.User is { } forced)
        {
            return new ServerCredentials(forced, pool.ForcedUserSecret, null);
        }
        return new ServerCredentials(pool.Key.User, pool.User?.Secret, pool.ScramClientKey);
    }

    /// <summary>
    /// Whether the gateway can log in without a client present (for min_pool_size): it needs the
    /// password itself, or the ClientKey learnt from an earlier SCRAM login.
    /// </summary>
    public bool CanLogInUnattended =>
        Secret is null || StoredSecret.Classify(Secret) != SecretKind.Scram || ScramClientKey is not null;

    public override string ToString() => $"ServerCredentials {{ User = {User} }}";
}
