namespace PoolGuard.Monitoring.Watcher;

/// <summary>
/// A database the watcher samples: a name to show, and an Npgsql connection string to reach it.
/// </summary>
/// <param name="Name">The name in metrics, the API and diagnosis (the gateway's database name, or the watch entry's).</param>
/// <param name="ConnectionString">How to log in; holds a password, so it is never logged or shown.</param>
/// <param name="WatchOnly">Listed only to be watched (no pool in the gateway): applications that bypass PoolGuard.</param>
public sealed record WatchTarget(string Name, string ConnectionString, bool WatchOnly)
{
    public override string ToString() => $"WatchTarget {{ Name = {Name}, WatchOnly = {WatchOnly} }}";
}
