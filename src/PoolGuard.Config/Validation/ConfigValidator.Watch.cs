using PoolGuard.Config.Values;

namespace PoolGuard.Config.Validation;

/// <summary>Checks of the database watcher's settings and the databases listed only to be watched.</summary>
internal sealed partial class ConfigValidator
{
    /// <summary>Below this, sampling every database becomes a load of its own.</summary>
    private static readonly TimeSpan ShortestWatchInterval = TimeSpan.FromSeconds(1);

    private void CheckWatch()
    {
        var interval = _config.WatchInterval;
        if (interval < TimeSpan.Zero || (interval > TimeSpan.Zero && interval < ShortestWatchInterval))
        {
            Error("WatchInterval", $"{Name("WatchInterval")} must be 0 (watcher off) or at least {DurationParser.Format(ShortestWatchInterval)}, got {DurationParser.Format(interval)}");
        }

        var timeout = _config.WatchQueryTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            Error("WatchQueryTimeout", $"{Name("WatchQueryTimeout")} must be more than 0, got {DurationParser.Format(timeout)}: a sample without a bound could hang on a struggling database");
        }
        else if (interval > TimeSpan.Zero && timeout > interval)
        {
            Warn("WatchQueryTimeout", $"{Name("WatchQueryTimeout")} ({DurationParser.Format(timeout)}) is longer than {Name("WatchInterval")} ({DurationParser.Format(interval)}): a slow database is then sampled less often than configured");
        }

        foreach (var (name, entry) in _config.Watch)
        {
            var path = $"Watch:{name}";
            var subject = $"watch {name}: ";
            if (_config.Databases.ContainsKey(name))
            {
                Error(path, $"{subject}the name is a configured database, which is watched already; give the entry another name");
            }

            if (string.IsNullOrWhiteSpace(entry.Host))
            {
                Error(path, $"{subject}host must not be empty");
            }

            if (entry.Port is < 1 or > MaxPort)
            {
                Error(path, $"{subject}port must be between 1 and {MaxPort}, got {entry.Port}");
            }

            if (entry.User is null && _config.WatchUser.Length == 0)
            {
                Error(path, $"{subject}no user to log in as: add user=… to the entry or set {Name("WatchUser")}");
            }
        }
    }
}
