using PoolGuard.Config.Auth;
using PoolGuard.Config.Model;
using PoolGuard.Config.Validation;
using PoolGuard.Config.Values;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Watch;

namespace PoolGuard.Config.PgBouncer;

/// <summary>
/// Loads a PgBouncer pgbouncer.ini and its auth_file into the PoolGuard model, so a PgBouncer user can
/// start PoolGuard on the files they have. Implemented settings map onto the model; documented PgBouncer
/// settings PoolGuard lacks load with a warning; anything else is an error naming file and line.
/// </summary>
internal static class PgBouncerConfigLoader
{
    public static ConfigLoadResult Load(string file, bool reviewing = false)
    {
        var diagnostics = new ConfigDiagnostics { Reviewing = reviewing };
        var locations = new SettingLocations(file, PgBouncerSettings.IniName,
            path => path == "Databases" ? "section [databases]" : $"{PgBouncerSettings.IniName(path)} (not set)");
        var reader = new IniValueReader(diagnostics);

        // PgBouncer's default auth_type is md5: keeping it means a file without the line behaves as it did.
        var config = new PoolGuardConfig { AuthType = AuthType.Md5 };
        var settingLines = new Dictionary<string, IniEntry>(StringComparer.OrdinalIgnoreCase);
        var databases = new Named<DatabaseEntry>("Databases", "database");
        var users = new Named<UserEntry>("Users", "user");
        var watched = new Named<WatchEntry>("Watch", "watch entry");
        var alerts = new Named<AlertRuleEntry>("Alerts", "alert rule");
        var peersReported = false;

        foreach (var entry in IniFileReader.Read(file, diagnostics))
        {
            switch (entry.Section)
            {
                case "pgbouncer":
                    config = ApplySetting(entry, config, settingLines, reader, locations);
                    break;
                case "databases":
                    databases.Add(entry, PgBouncerEntries.ReadDatabase(entry, reader), reader, locations);
                    break;
                case "users":
                    users.Add(entry, PgBouncerEntries.ReadUser(entry, reader), reader, locations);
                    break;
                case "watch":
                    watched.Add(entry, ReadWatch(entry, reader), reader, locations);
                    break;
                case "alerts":
                    alerts.Add(entry, ReadAlert(entry, reader), reader, locations);
                    break;
                default:
                    if (!peersReported)
                    {
                        reader.Warn(entry, "section [peers] (cancel forwarding between peered PgBouncers) is not implemented by PoolGuard yet; ignored");
                        peersReported = true;
                    }

                    break;
            }
        }

        if (!settingLines.ContainsKey("listen_addr"))
        {
            diagnostics.Warn(file, "listen_addr (not set)",
                $"PgBouncer would accept only Unix-socket clients; PoolGuard listens on {config.ListenAddress} instead");
        }

        var allUsers = users.Entries;
        if (settingLines.TryGetValue(PgBouncerSettings.AuthFile, out var authFileLine) && authFileLine.Value.Length > 0)
        {
            ReadAuthFile(authFileLine, allUsers, reader, locations, diagnostics);
        }

        config = config with { Databases = databases.Entries, Users = allUsers, Watch = watched.Entries, Alerts = alerts.Entries };
        ConfigValidator.Validate(config, locations, diagnostics);
        diagnostics.ThrowIfErrors();
        return new ConfigLoadResult(config, diagnostics.Warnings, file);
    }

    private static PoolGuardConfig ApplySetting(
        IniEntry entry,
        PoolGuardConfig config,
        Dictionary<string, IniEntry> settingLines,
        IniValueReader reader,
        SettingLocations locations)
    {
        var key = entry.Key;
        if (PgBouncerSettings.Supported.TryGetValue(key, out var setting))
        {
            if (settingLines.TryGetValue(key, out var earlier))
            {
                reader.Warn(entry, $"{key} is set again (first at line {earlier.Line}); this line wins, as in PgBouncer");
            }

            settingLines[key] = entry;
            locations.Record(setting.ModelPath, entry.File, entry.Location);
            return setting.Apply(reader, entry, config);
        }

        if (PgBouncerUnimplementedSettings.Global.Contains(key))
        {
            reader.Warn(entry, $"setting '{key}' is not implemented by PoolGuard yet; ignored");
        }
        else
        {
            reader.Error(entry, KeySuggestions.WithSuggestion($"unknown setting '{key}'", key,
                PgBouncerSettings.Supported.Keys.Concat(PgBouncerUnimplementedSettings.Global)));
        }

        return config;
    }

    /// <summary>PoolGuard's own section: <c>shop = host=10.0.0.5 dbname=shop user=watch password=…</c>.</summary>
    private static WatchEntry? ReadWatch(IniEntry entry, IniValueReader reader)
    {
        var problems = new List<string>();
        var parsed = WatchEntryParser.Parse(entry.Key, entry.Value, problems);
        problems.ForEach(problem => reader.Error(entry, problem));
        return problems.Count == 0 ? parsed : null;
    }

    /// <summary>PoolGuard's own section: <c>DatabaseConnectionsHigh = for=2m</c>, <c>Mine = expr='…' severity=critical</c>.</summary>
    private static AlertRuleEntry? ReadAlert(IniEntry entry, IniValueReader reader)
    {
        var problems = new List<string>();
        var parsed = AlertRuleParser.Parse(entry.Key, entry.Value, problems);
        problems.ForEach(problem => reader.Error(entry, problem));
        return problems.Count == 0 ? parsed : null;
    }

    /// <summary>auth_file is relative to the ini's directory (PgBouncer uses its working directory; next to the
    /// ini is what people mean, and does not depend on where PoolGuard is started).</summary>
    private static void ReadAuthFile(
        IniEntry setting,
        Dictionary<string, UserEntry> users,
        IniValueReader reader,
        SettingLocations locations,
        ConfigDiagnostics diagnostics)
    {
        var authFile = Path.GetFullPath(setting.Value, Path.GetDirectoryName(setting.File)!);
        if (!File.Exists(authFile))
        {
            if (!diagnostics.Reviewing)
            {
                reader.Error(setting, $"auth_file '{authFile}' not found");
            }
            return;
        }

        UserSecrets.Merge(users, AuthFileParser.Read(authFile, diagnostics), authFile, locations, diagnostics);
    }

    /// <summary>The entries of [databases] or [users]: a repeated name replaces the earlier line, as in PgBouncer, with a warning.</summary>
    private sealed class Named<T>(string modelSection, string what)
        where T : class
    {
        private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

        public Dictionary<string, T> Entries { get; } = new(StringComparer.Ordinal);

        public void Add(IniEntry entry, T? value, IniValueReader reader, SettingLocations locations)
        {
            if (_lines.TryGetValue(entry.Key, out var earlier))
            {
                reader.Warn(entry, $"{what} {entry.Key} is defined again (first at line {earlier}); this line wins, as in PgBouncer");
            }

            _lines[entry.Key] = entry.Line;
            if (value is not null)
            {
                Entries[entry.Key] = value;
                locations.Record($"{modelSection}:{entry.Key}", entry.File, entry.Location);
            }
        }
    }
}
