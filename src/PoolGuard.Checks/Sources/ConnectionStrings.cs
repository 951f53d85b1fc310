using System.Globalization;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources;

/// <summary>A connection string found in a file, turned into the pool it declares (or a finding when it cannot be read).</summary>
internal static class ConnectionStrings
{
    public static void Add(string text, Location location, string application, string name, List<ClientPool> pools, List<Finding> findings)
    {
        if (!NpgsqlConnectionString.TryRead(text, out var settings, out var problem))
        {
            findings.Add(new Finding(RuleIds.Unreadable, Severity.Error, location, $"{name}: {problem}"));
            return;
        }
        int? Number(params string[] keys)
        {
            var raw = NpgsqlConnectionString.Get(settings, keys);
            if (raw is null)
            {
                return null;
            }
            if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            findings.Add(new Finding(RuleIds.Unreadable, Severity.Error, location, $"{name}: {keys[0]} is not a number: '{raw}'"));
            return null;
        }
        var pooling = NpgsqlConnectionString.Get(settings, "pooling");
        pools.Add(new ClientPool
        {
            Application = application,
            Name = name,
            Location = location,
            Driver = "npgsql",
            Target = NpgsqlConnectionString.Target(settings),
            Pooling = pooling is null || !pooling.Equals("false", StringComparison.OrdinalIgnoreCase),
            MaxPoolSize = Number("maximumpoolsize", "maxpoolsize"),
            MinPoolSize = Number("minimumpoolsize", "minpoolsize"),
            ConnectTimeout = Number("timeout"),
        });
    }
}
