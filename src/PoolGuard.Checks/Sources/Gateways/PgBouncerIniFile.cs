using System.Globalization;
using PoolGuard.Checks.Findings;
using PoolGuard.Config;
using PoolGuard.Config.Capacity;
using PoolGuard.Config.Model;
using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Checks.Sources.Gateways;

/// <summary>
/// A PgBouncer pgbouncer*.ini read as PgBouncer reads it: the same line reader and setting parsers PoolGuard's
/// own front door uses, but PgBouncer's meaning where the two differ — since PgBouncer 1.24 a pool_size or
/// default_pool_size of 0 is no limit at all. Settings PoolGuard does not know are PgBouncer's business and ignored;
/// a line that does not parse is PG000. Users are counted from its auth_file when it is there to read.
/// </summary>
internal sealed class PgBouncerIniFile : IConfigReader
{
    public bool Matches(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("pgbouncer", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".ini", StringComparison.OrdinalIgnoreCase);
    }

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        var diagnostics = new ConfigDiagnostics();
        var reader = new IniValueReader(diagnostics);
        var config = new PoolGuardConfig();
        var databases = new Dictionary<string, DatabaseEntry>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var users = 0;
        string? authFile = null;
        foreach (var entry in IniFileReader.Read(file.Path, diagnostics))
        {
            switch (entry.Section)
            {
                case "pgbouncer" when entry.Key.Equals(PgBouncerSettings.AuthFile, StringComparison.OrdinalIgnoreCase):
                    authFile = entry.Value;
                    break;
                case "pgbouncer" when PgBouncerSettings.Supported.TryGetValue(entry.Key, out var setting):
                    config = setting.Apply(reader, entry, config);
                    lines[setting.ModelPath] = entry.Line;
                    break;
                case "databases" when PgBouncerEntries.ReadDatabase(entry, reader) is { } database:
                    databases[database.Name] = database;
                    lines[$"Databases:{database.Name}"] = entry.Line;
                    break;
                case "users":
                    users++;
                    break;
            }
            lines.TryAdd($"Section:{entry.Section}", entry.Line - 1); // a line added after this one lands just above the section's first key
        }
        if (diagnostics.Errors.Count > 0)
        {
            foreach (var error in diagnostics.Errors)
            {
                inputs.Unreadable(new Location(file.Shown, LineOf(error.Location), 1), $"{error.Reason}, so this PgBouncer configuration was not checked");
            }
            return;
        }
        config = config with { Databases = databases };
        var userCount = Math.Max(users, CountUsers(file.Path, authFile));
        foreach (var cap in GatewayCapacity.PerServer(config, zeroPoolSizeIsUnlimited: true, userCount))
        {
            var line = lines.GetValueOrDefault(cap.DecidingSetting) is > 0 and var l ? l
                : lines.GetValueOrDefault($"Databases:{cap.Databases[0]}") is > 0 and var d ? d : 1;
            inputs.Gateways.Add(GatewayLimit.Of(cap, file, "pgbouncer", config, new Location(file.Shown, line, 1),
                new Location(file.Shown, lines.GetValueOrDefault(nameof(config.QueryWaitTimeout), 1), 1), path => lines.TryGetValue(path, out var at) ? at : null));
        }
    }

    /// <summary>"line 12" → 12; a location that names no line points at the file's start.</summary>
    internal static int LineOf(string location) =>
        location.StartsWith("line ", StringComparison.Ordinal) && int.TryParse(location.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var line) ? line : 1;

    /// <summary>Users in the auth_file ("name" "secret" lines), when it can be read from here; 0 otherwise.</summary>
    private static int CountUsers(string iniPath, string? authFile)
    {
        if (string.IsNullOrWhiteSpace(authFile))
        {
            return 0;
        }
        var path = Path.GetFullPath(authFile, Path.GetDirectoryName(Path.GetFullPath(iniPath))!);
        return File.Exists(path) ? File.ReadLines(path).Count(l => l.TrimStart().StartsWith('"')) : 0;
    }
}
