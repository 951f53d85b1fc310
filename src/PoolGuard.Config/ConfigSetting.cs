using PoolGuard.Config.Model;
using PoolGuard.Config.PgBouncer;
using PoolGuard.Config.Validation;

namespace PoolGuard.Config;

/// <summary>
/// One global setting changed by name, as the admin console's <c>SET key = value</c> does: the key
/// and value are read exactly as a pgbouncer.ini line would be, and the whole result is validated.
/// </summary>
public static class ConfigSetting
{
    /// <summary>Settings that only a restart can change; SET refuses them.</summary>
    private static readonly HashSet<string> NotLive = new(StringComparer.OrdinalIgnoreCase)
    {
        "listen_addr", "listen_port", "auth_file", "stats_period",
    };

    /// <summary>
    /// <paramref name="config"/> with <paramref name="key"/> (its pgbouncer.ini name) set to <paramref name="value"/>.
    /// Throws <see cref="ConfigException"/> naming the key and the reason when the key is unknown,
    /// not changeable live, the value does not parse, or the result is not a valid configuration.
    /// </summary>
    public static PoolGuardConfig With(PoolGuardConfig config, string key, string value)
    {
        const string Source = "SET";
        if (NotLive.Contains(key))
        {
            throw new ConfigException(new ConfigError(Source, key, "cannot be changed while running; edit the configuration file and restart"));
        }
        if (!PgBouncerSettings.Supported.TryGetValue(key, out var setting))
        {
            throw new ConfigException(new ConfigError(Source, key, "unknown setting; SHOW CONFIG lists the settings"));
        }
        var diagnostics = new ConfigDiagnostics();
        var reader = new IniValueReader(diagnostics);
        var changed = setting.Apply(reader, new IniEntry(Source, 1, "pgbouncer", key, value), config);
        diagnostics.ThrowIfErrors();
        // Only what the change breaks counts: a configuration built in code (tests: port 0) may already
        // fail a check that a file would, and SET must not be refused for that.
        var locations = new SettingLocations(Source, PgBouncerSettings.IniName, path => PgBouncerSettings.IniName(path));
        var before = new ConfigDiagnostics();
        ConfigValidator.Validate(config, locations, before);
        var after = new ConfigDiagnostics();
        ConfigValidator.Validate(changed, locations, after);
        var introduced = after.Errors.Where(e => !before.Errors.Contains(e)).ToList();
        if (introduced.Count > 0)
        {
            throw new ConfigException(introduced);
        }
        return changed;
    }
}
