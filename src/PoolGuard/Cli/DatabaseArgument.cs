using Npgsql;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Cli;

/// <summary>
/// A `--database` value: a libpq string (<c>host=db dbname=app user=monitor</c>, as psql takes) or an Npgsql one
/// (<c>Host=db;Database=app;Username=monitor</c>), the password from PGPASSWORD when the string has none, and how to
/// name it without its password. Shared by `diagnose` and `check`.
/// </summary>
internal static class DatabaseArgument
{
    public static (WatchTarget Target, string Describe)? Parse(string text)
    {
        WatchTarget? target;
        if (text.Contains(';', StringComparison.Ordinal))
        {
            try
            {
                var npgsql = new NpgsqlConnectionStringBuilder(text);
                if (string.IsNullOrEmpty(npgsql.Password) && Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password)
                {
                    npgsql.Password = password;
                }
                target = new WatchTarget(npgsql.Database ?? npgsql.Username ?? "postgres", npgsql.ConnectionString, WatchOnly: true);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
        else
        {
            target = WatchTargets.FromLibpq(text, out _);
        }
        if (target is null)
        {
            return null;
        }
        var shown = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        return (target, $"{shown.Host}:{shown.Port}/{target.Name} as {shown.Username}");
    }
}
