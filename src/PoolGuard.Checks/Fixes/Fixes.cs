using System.Globalization;
using PoolGuard.Checks.Sources;
using PoolGuard.Checks.Sources.Gateways;

namespace PoolGuard.Checks.Fixes;

/// <summary>The fixes rules attach: keywords of an Npgsql connection string, and a gateway's settings in its own file.</summary>
internal static class Fix
{
    public const string MaxPoolSize = "Maximum Pool Size";

    /// <summary>Set keywords in the pool's connection string; nothing for drivers whose strings `--fix` does not rewrite.</summary>
    public static IReadOnlyList<FileFix> Pool(ClientPool pool, params (string Key, string? Value)[] keywords) =>
        pool.Written is { } written
            ? [new ConnectionStringFix(pool.Location.File, pool.Location.Line, written, keywords.ToDictionary(k => k.Key, k => k.Value, StringComparer.OrdinalIgnoreCase))]
            : [];

    /// <summary>An Npgsql string's Maximum Pool Size; HikariCP's maximum-pool-size where it is written in a .properties or
    /// YAML file, or added under the URL in a .properties file. Other drivers' settings are left to a person.</summary>
    public static IReadOnlyList<FileFix> PoolSize(ClientPool pool, int size)
    {
        if (pool.Written is not null)
        {
            return Pool(pool, (MaxPoolSize, N(size)));
        }
        var file = pool.Location.File;
        var properties = file.EndsWith(".properties", StringComparison.OrdinalIgnoreCase);
        if (pool.Driver != "HikariCP" || !(properties || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)))
        {
            return [];
        }
        if (pool.MaxPoolSize is not null)
        {
            return [new KeyValueFix(file, pool.Location.Line, pool.MaxSetting[(pool.MaxSetting.LastIndexOf('.') + 1)..], N(size))];
        }
        return properties ? [new InsertLineFix(file, pool.Location.Line, $"{pool.MaxSetting}={N(size)}")] : [];
    }

    /// <summary>A gateway's cap per instance: PgBouncer's pool size made finite and max_db_connections set; PoolGuard's
    /// max_server_connections where it is written.</summary>
    public static IReadOnlyList<FileFix> GatewayCap(GatewayLimit gateway, int cap)
    {
        var file = gateway.Location.File;
        var fixes = new List<FileFix>();
        if (gateway.Kind == "pgbouncer")
        {
            if (gateway.LineOf("DefaultPoolSize") is { } poolLine)
            {
                fixes.Add(new KeyValueFix(file, poolLine, "default_pool_size", N(cap)));
            }
            foreach (var database in gateway.Databases)
            {
                if (gateway.LineOf($"Databases:{database}") is { } entry)
                {
                    fixes.Add(new KeyValueFix(file, entry, "pool_size", N(cap))); // only where the entry writes one
                }
            }
            fixes.Add(gateway.LineOf("MaxDbConnections") is { } capLine
                ? new KeyValueFix(file, capLine, "max_db_connections", N(cap))
                : new InsertLineFix(file, gateway.LineOf("Section:pgbouncer") ?? 0, $"max_db_connections = {N(cap)}"));
            return fixes;
        }
        if (gateway.LineOf("MaxServerConnections") is { } line)
        {
            fixes.Add(new KeyValueFix(file, line, Json(file) ? "MaxServerConnections" : "max_server_connections", N(cap)));
        }
        return fixes;
    }

    public static IReadOnlyList<FileFix> GatewayWait(GatewayLimit gateway, int seconds)
    {
        var file = gateway.Location.File;
        if (gateway.LineOf("QueryWaitTimeout") is { } line)
        {
            return [new KeyValueFix(file, line, Json(file) ? "QueryWaitTimeout" : "query_wait_timeout", Json(file) ? $"{N(seconds)}s" : N(seconds))];
        }
        return gateway.Kind == "pgbouncer" && gateway.LineOf("Section:pgbouncer") is { } section
            ? [new InsertLineFix(file, section, $"query_wait_timeout = {N(seconds)}")]
            : [];
    }

    private static bool Json(string file) => file.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
