using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Config.Watch;

namespace PoolGuard.Monitoring.Watcher;

/// <summary>
/// Which databases a configuration asks the watcher to sample and how to log in to each: every configured
/// database (as watch_user when set, else as its forced user) and every [watch] entry. A configured
/// database with neither login cannot be watched; the reason is kept so the API can say why.
/// </summary>
public static class WatchTargets
{
    public sealed record Plan(IReadOnlyList<WatchTarget> Targets, IReadOnlyList<string> NotWatched);

    public static Plan From(PoolGuardConfig config)
    {
        var targets = new List<WatchTarget>();
        var notWatched = new List<string>();
        foreach (var database in config.Databases.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (database.Name == DatabaseLookup.Fallback)
            {
                continue; // "*" stands for any name a client asks for: there is no one database to watch.
            }

            var (user, password) = config.WatchUser.Length > 0
                ? (config.WatchUser, config.WatchPassword)
                : (database.User, database.Password);
            if (string.IsNullOrEmpty(user))
            {
                notWatched.Add($"database {database.Name}: no login for the watcher (set watch_user, or a forced user on the database)");
                continue;
            }

            targets.Add(new WatchTarget(database.Name, ConnectionString(database.Host, database.Port, database.ServerDatabase, user, password), WatchOnly: false));
        }

        foreach (var entry in config.Watch.Values.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var (user, password) = entry.User is { } own ? (own, entry.Password) : (config.WatchUser, config.WatchPassword);
            targets.Add(new WatchTarget(entry.Name, ConnectionString(entry.Host, entry.Port, entry.ServerDatabase, user, password), WatchOnly: true));
        }

        return new Plan(targets, notWatched);
    }

    /// <summary>
    /// A database given on a command line as a libpq string (<c>host=db port=5432 dbname=app user=monitor</c>),
    /// as [watch] reads it: dbname defaults to the user, as libpq's does; the password, when the string has none,
    /// to $PGPASSWORD. Null with the problems (naming keys, never values) when it does not parse.
    /// </summary>
    public static WatchTarget? FromLibpq(string text, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        problems = found;
        var entry = WatchEntryParser.Parse("--database", text, found);
        if (entry is null || found.Count > 0)
        {
            return null;
        }
        var user = entry.User ?? Environment.GetEnvironmentVariable("PGUSER") ?? "postgres";
        var database = entry.DbName ?? user;
        var password = entry.Password ?? Environment.GetEnvironmentVariable("PGPASSWORD");
        return new WatchTarget(database, ConnectionString(entry.Host, entry.Port, database, user, password), WatchOnly: true);
    }

    private static string ConnectionString(string host, int port, string database, string user, string? password) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Database = database,
            Username = user,
            Password = string.IsNullOrEmpty(password) ? null : password,
        }.ConnectionString;
}
