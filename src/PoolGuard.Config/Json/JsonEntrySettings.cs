using Microsoft.Extensions.Configuration;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;
using PoolGuard.Config.Watch;

namespace PoolGuard.Config.Json;

/// <summary>Reads the named entries under PoolGuard:Databases, PoolGuard:Users, PoolGuard:Watch and PoolGuard:Alerts.</summary>
internal static class JsonEntrySettings
{
    private static readonly string[] DatabaseKeys =
    [
        nameof(DatabaseEntry.Host), nameof(DatabaseEntry.Port), nameof(DatabaseEntry.DbName), nameof(DatabaseEntry.User),
        nameof(DatabaseEntry.Password), nameof(DatabaseEntry.PoolSize), nameof(DatabaseEntry.MinPoolSize),
        nameof(DatabaseEntry.MaxDbConnections), nameof(DatabaseEntry.PoolMode),
    ];

    /// <summary>In the file a user's secret is "Password" — what people call it — even though it may be a hash.</summary>
    private const string UserPassword = "Password";

    private static readonly string[] UserKeys = [UserPassword, nameof(UserEntry.MaxUserConnections), nameof(UserEntry.PoolMode)];

    public static Dictionary<string, DatabaseEntry> ReadDatabases(JsonSettingReader reader, IConfigurationSection section)
    {
        var databases = new Dictionary<string, DatabaseEntry>(StringComparer.Ordinal);
        foreach (var entry in Entries(reader, section, "a database object such as { \"Host\": \"127.0.0.1\", \"Port\": 5432 }"))
        {
            var database = new DatabaseEntry { Name = entry.Key };
            foreach (var setting in reader.KnownChildren(entry, DatabaseKeys))
            {
                database = setting.Key.ToLowerInvariant() switch
                {
                    "host" => reader.String(setting) is { } v ? database with { Host = v.Trim() } : database,
                    "port" => reader.Int(setting) is { } v ? database with { Port = v } : database,
                    "dbname" => database with { DbName = NullIfEmpty(reader.String(setting)) },
                    "user" => database with { User = NullIfEmpty(reader.String(setting)) },
                    "password" => database with { Password = NullIfEmpty(reader.String(setting)) },
                    "poolsize" => database with { PoolSize = reader.Int(setting) },
                    "minpoolsize" => database with { MinPoolSize = reader.Int(setting) },
                    "maxdbconnections" => database with { MaxDbConnections = reader.Int(setting) },
                    _ => database with { PoolMode = reader.PoolMode(setting) },
                };
            }

            databases[entry.Key] = database;
        }

        return databases;
    }

    public static Dictionary<string, UserEntry> ReadUsers(JsonSettingReader reader, IConfigurationSection section)
    {
        var users = new Dictionary<string, UserEntry>(StringComparer.Ordinal);
        foreach (var entry in Entries(reader, section, "a user object such as { \"Password\": \"…\" }"))
        {
            var user = new UserEntry { Name = entry.Key };
            foreach (var setting in reader.KnownChildren(entry, UserKeys))
            {
                user = setting.Key.ToLowerInvariant() switch
                {
                    "password" => user with { Secret = NullIfEmpty(reader.String(setting)) },
                    "maxuserconnections" => reader.Int(setting) is { } v ? user with { MaxUserConnections = v } : user,
                    _ => user with { PoolMode = reader.PoolMode(setting) },
                };
            }

            users[entry.Key] = user;
        }

        return users;
    }

    /// <summary>Watch entries are connection strings, as in a [watch] line: <c>"shop": "host=10.0.0.5 dbname=shop user=watch"</c>.</summary>
    public static Dictionary<string, WatchEntry> ReadWatch(JsonSettingReader reader, IConfigurationSection section)
    {
        var watched = new Dictionary<string, WatchEntry>(StringComparer.Ordinal);
        reader.Record(section);
        if (!string.IsNullOrEmpty(section.Value))
        {
            reader.Error(section, "expected an object of named connection strings, found a single value");
            return watched;
        }

        foreach (var entry in section.GetChildren())
        {
            reader.Record(entry);
            if (entry.Value is null)
            {
                reader.Error(entry, "expected a connection string such as \"host=127.0.0.1 port=5432 dbname=app user=watch\"");
                continue;
            }

            var problems = new List<string>();
            if (WatchEntryParser.Parse(entry.Key, entry.Value, problems) is { } parsed)
            {
                watched[entry.Key] = parsed;
            }

            problems.ForEach(problem => reader.Error(entry, problem));
        }

        return watched;
    }

    /// <summary>
    /// Alert rules by name, each an object (<c>{"Expr": "…", "For": "1m", "Labels": {"team": "db"}}</c>) or the
    /// string an [alerts] line holds (<c>"expr='…' for=1m"</c>).
    /// </summary>
    public static Dictionary<string, AlertRuleEntry> ReadAlerts(JsonSettingReader reader, IConfigurationSection section)
    {
        var rules = new Dictionary<string, AlertRuleEntry>(StringComparer.Ordinal);
        reader.Record(section);
        if (!string.IsNullOrEmpty(section.Value))
        {
            reader.Error(section, "expected an object of named alert rules, found a single value");
            return rules;
        }

        foreach (var entry in section.GetChildren())
        {
            reader.Record(entry);
            var problems = new List<string>();
            var rule = entry.Value is { } text
                ? AlertRuleParser.Parse(entry.Key, text, problems)
                : AlertRuleParser.Parse(entry.Key, entry.GetChildren().Select(child => KeyValuePair.Create(child.Key,
                    child.Key.Equals("Labels", StringComparison.OrdinalIgnoreCase) && child.Value is null
                        ? string.Join(',', child.GetChildren().Select(label => $"{label.Key}={label.Value}"))
                        : child.Value ?? "")), problems);
            if (rule is not null && problems.Count == 0)
            {
                rules[entry.Key] = rule;
            }

            problems.ForEach(problem => reader.Error(entry, problem));
        }

        return rules;
    }

    /// <summary>The named objects of a Databases or Users section; a bare value where an object belongs is an error.
    /// An entry written as {} or null is still an entry: every setting takes its default.</summary>
    private static List<IConfigurationSection> Entries(JsonSettingReader reader, IConfigurationSection section, string expected)
    {
        reader.Record(section);
        if (!string.IsNullOrEmpty(section.Value))
        {
            reader.Error(section, "expected an object of named entries, found a single value");
            return [];
        }

        var entries = new List<IConfigurationSection>();
        foreach (var entry in section.GetChildren())
        {
            reader.Record(entry);
            if (!string.IsNullOrEmpty(entry.Value))
            {
                reader.Error(entry, $"expected {expected}, found a single value");
                continue;
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
