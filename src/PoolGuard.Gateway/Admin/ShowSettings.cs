using System.Reflection;
using PoolGuard.Config.Model;
using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Gateway.Admin;

/// <summary>
/// SHOW DATABASES, USERS, LISTS, CONFIG, VERSION and STATE: configuration and counts. Features PoolGuard
/// does not have (reserve pools, client-connection caps per database or user, load balancing, peers,
/// DNS cache, pause) read as PgBouncer shows them when unused: 0, empty or NULL.
/// </summary>
internal static class ShowSettings
{
    /// <summary>The layout followed, for SHOW VERSION: tools that parse "PgBouncer x.y.z" find it.</summary>
    public const string PgBouncerLayoutVersion = "1.25.0";

    /// <summary>Pool size PgBouncer reports for its console database.</summary>
    private const int ConsolePoolSize = 2;

    public static ConsoleTable Databases(ConsoleContext context)
    {
        var config = context.Gateway.Config;
        var pools = context.Inspector.Pools();
        var clients = context.Inspector.Clients();
        var lifetime = N((long)config.ServerLifetime.TotalSeconds);
        var rows = new List<string?[]>();
        // Databases reached through the fallback entry "*" are listed once they have a pool, as PgBouncer lists them.
        var entries = config.Databases.Values.Concat(pools.Select(p => p.Key.Database).Distinct(StringComparer.Ordinal)
            .Where(name => !config.Databases.ContainsKey(name)).Select(name => config.FindDatabase(name)).OfType<DatabaseEntry>());
        foreach (var entry in entries.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            rows.Add(
            [
                entry.Name, entry.Host, N(entry.Port), entry.ServerDatabase, entry.User,
                N(entry.PoolSize ?? config.DefaultPoolSize), N(entry.MinPoolSize ?? config.MinPoolSize), "0", lifetime,
                entry.PoolMode is { } mode ? PgBouncerConfigListing.PoolModeText(mode) : null, null,
                N(entry.MaxDbConnections ?? config.MaxDbConnections),
                N(pools.Where(p => p.Key.Database == entry.Name).Sum(p => p.ServersTotal)),
                "0", N(clients.Count(c => c.Database == entry.Name)),
                context.Gateway.Pools.IsPaused(entry.Name) ? "1" : "0",
                context.Gateway.DisabledDatabases.ContainsKey(entry.Name) ? "1" : "0",
            ]);
        }
        // PgBouncer lists its console database too; both of PoolGuard's names reach the same console.
        rows.Add(
        [
            ConsoleDatabases.PgBouncer, null, N(config.ListenPort), ConsoleDatabases.PgBouncer, ConsoleDatabases.PgBouncer,
            N(ConsolePoolSize), "0", "0", lifetime, PgBouncerConfigListing.PoolModeText(PoolMode.Statement), null,
            "0", "0", "0", N(clients.Count(c => ConsoleDatabases.IsConsole(c.Database))), "0", "0",
        ]);
        rows.Sort((a, b) => string.CompareOrdinal(a[0], b[0]));
        return new ConsoleTable(ConsoleLayouts.Databases, rows);
    }

    public static ConsoleTable Users(ConsoleContext context)
    {
        var config = context.Gateway.Config;
        var pools = context.Gateway.Pools.ListPools();
        var snapshot = context.Inspector.Pools().ToDictionary(p => p.Key);
        var clients = context.Inspector.Clients();
        var names = new SortedSet<string>(config.Users.Keys, StringComparer.Ordinal);
        names.UnionWith(pools.Select(p => p.Key.User));
        var rows = new List<string?[]>();
        foreach (var name in names)
        {
            config.Users.TryGetValue(name, out var user);
            var servers = pools.Where(p => p.ServerUser == name).Sum(p => snapshot.TryGetValue(p.Key, out var s) ? s.ServersTotal : 0);
            rows.Add(
            [
                name, "", "", user?.PoolMode is { } mode ? PgBouncerConfigListing.PoolModeText(mode) : null,
                N(user is { MaxUserConnections: > 0 } ? user.MaxUserConnections : config.MaxUserConnections),
                N(servers), "0", N(clients.Count(c => c.User == name)),
            ]);
        }
        return new ConsoleTable(ConsoleLayouts.Users, rows);
    }

    public static ConsoleTable Lists(ConsoleContext context)
    {
        var gateway = context.Gateway;
        var clients = gateway.Registry.Clients;
        (string, long)[] lists =
        [
            ("databases", gateway.Config.Databases.Count + 1),
            ("users", gateway.Config.Users.Count),
            ("peers", 0),
            ("pools", gateway.Pools.ListPools().Count),
            ("peer_pools", 0),
            ("free_clients", 0),
            ("used_clients", clients.Count),
            ("login_clients", clients.Count(c => c.Pool is null && !c.IsConsole)),
            ("free_servers", 0),
            ("used_servers", gateway.Registry.Servers().Count),
            ("dns_names", 0),
            ("dns_zones", 0),
            ("dns_queries", 0),
            ("dns_pending", 0),
        ];
        return new ConsoleTable(ConsoleLayouts.Lists, [.. lists.Select(l => (string?[])[l.Item1, N(l.Item2)])]);
    }

    public static ConsoleTable Config(ConsoleContext context) =>
        new(ConsoleLayouts.Config, [.. PgBouncerConfigListing.Describe(context.Gateway.Config)
            .Select(r => (string?[])[r.Key, r.Value, r.Default, r.Changeable ? "yes" : "no"])]);

    public static ConsoleTable Version(ConsoleContext context) =>
        new(ConsoleLayouts.Version, [[VersionText]]);

    /// <summary>Paused means PAUSE (or KILL) without a database, as in PgBouncer; PoolGuard has no SUSPEND.</summary>
    public static ConsoleTable State(ConsoleContext context)
    {
        var paused = context.Gateway.Pools.AllPaused;
        return new(ConsoleLayouts.State, [["active", paused ? "no" : "yes"], ["paused", paused ? "yes" : "no"], ["suspended", "no"]]);
    }

    /// <summary>"PoolGuard 1.0.0 (PgBouncer 1.25.0 compatible)".</summary>
    public static string VersionText { get; } =
        $"PoolGuard {GatewayVersion()} (PgBouncer {PgBouncerLayoutVersion} compatible)";

    private static string GatewayVersion()
    {
        var assembly = typeof(ShowSettings).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational is { Length: > 0 } ? informational.Split('+')[0] : assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    private static string N(long value) => ConsoleContext.Number(value);
}
