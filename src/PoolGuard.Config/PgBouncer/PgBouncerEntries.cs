using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.PgBouncer;

/// <summary>
/// Reads the lines of [databases] (<c>name = host=… port=… dbname=…</c>) and [users]
/// (<c>name = pool_mode=… max_user_connections=…</c>). Every problem names the entry and the key.
/// </summary>
internal static class PgBouncerEntries
{
    private static readonly string[] DatabaseKeys =
        ["host", "port", "dbname", "user", "password", "pool_size", "min_pool_size", "max_db_connections", "pool_mode"];

    private static readonly string[] UserKeys = ["pool_mode", "max_user_connections"];

    /// <summary>The entry ("*" is the fallback for any other name: DatabaseLookup), or null when it cannot be used (reported).</summary>
    public static DatabaseEntry? ReadDatabase(IniEntry entry, IniValueReader reader)
    {
        var name = entry.Key;

        if (ConsoleDatabases.IsConsole(name))
        {
            reader.Error(entry, $"the database name '{name}' is reserved for the admin console ({ConsoleDatabases.PgBouncer} and {ConsoleDatabases.PoolGuard} both reach it); give the entry another name");
            return null;
        }

        var subject = $"database {name}: ";
        if (!ConnectionStringParser.TryParse(entry.Value, out var pairs, out var error))
        {
            reader.Error(entry, subject + error);
            return null;
        }

        var database = new DatabaseEntry { Name = name };
        var hostGiven = false;
        foreach (var (key, value) in pairs)
        {
            switch (key.ToLowerInvariant())
            {
                case "host":
                    hostGiven = value.Length > 0;
                    database = hostGiven ? database with { Host = Host(entry, reader, subject, value) } : database;
                    break;
                case "port":
                    database = reader.Int(entry, subject + key, value) is { } port ? database with { Port = port } : database;
                    break;
                case "dbname":
                    database = database with { DbName = NullIfEmpty(value) };
                    break;
                case "user":
                    database = database with { User = NullIfEmpty(value) };
                    break;
                case "password":
                    database = database with { Password = NullIfEmpty(value) };
                    break;
                case "pool_size":
                    database = database with { PoolSize = reader.Int(entry, subject + key, value) };
                    break;
                case "min_pool_size":
                    database = database with { MinPoolSize = reader.Int(entry, subject + key, value) };
                    break;
                case "max_db_connections":
                    database = database with { MaxDbConnections = reader.Int(entry, subject + key, value) };
                    break;
                case "pool_mode":
                    database = database with { PoolMode = reader.PoolMode(entry, subject + key, value) };
                    break;
                default:
                    Unhandled(entry, reader, subject, key, DatabaseKeys, PgBouncerUnimplementedSettings.Database);
                    break;
            }
        }

        if (!hostGiven)
        {
            reader.Warn(entry, $"{subject}no host given: PgBouncer would use the Unix socket, PoolGuard connects to {database.Host} over TCP");
        }

        return database;
    }

    public static UserEntry? ReadUser(IniEntry entry, IniValueReader reader)
    {
        var subject = $"user {entry.Key}: ";
        if (!ConnectionStringParser.TryParse(entry.Value, out var pairs, out var error))
        {
            reader.Error(entry, subject + error);
            return null;
        }

        var user = new UserEntry { Name = entry.Key };
        foreach (var (key, value) in pairs)
        {
            switch (key.ToLowerInvariant())
            {
                case "pool_mode":
                    user = user with { PoolMode = reader.PoolMode(entry, subject + key, value) };
                    break;
                case "max_user_connections":
                    user = reader.Int(entry, subject + key, value) is { } cap ? user with { MaxUserConnections = cap } : user;
                    break;
                default:
                    Unhandled(entry, reader, subject, key, UserKeys, PgBouncerUnimplementedSettings.User);
                    break;
            }
        }

        return user;
    }

    /// <summary>PoolGuard connects to one TCP host per database: a host list keeps its first host, a Unix socket cannot work.</summary>
    private static string Host(IniEntry entry, IniValueReader reader, string subject, string value)
    {
        var hosts = SettingNames.SplitList(value);
        var first = hosts.Count > 0 ? hosts[0] : value;
        if (hosts.Count > 1)
        {
            reader.Warn(entry, $"{subject}host lists {hosts.Count} hosts; PoolGuard connects to one, so only {first} is used");
        }

        if (first.StartsWith('/') || first.StartsWith('@'))
        {
            reader.Error(entry, $"{subject}host {SettingNames.Quote(first)} is a Unix socket, which PoolGuard does not support yet; use a TCP address such as 127.0.0.1");
        }

        return first;
    }

    private static void Unhandled(IniEntry entry, IniValueReader reader, string subject, string key, string[] known, HashSet<string> unimplemented)
    {
        if (unimplemented.Contains(key))
        {
            reader.Warn(entry, $"{subject}setting '{key}' is not implemented by PoolGuard yet; ignored");
        }
        else
        {
            reader.Error(entry, KeySuggestions.WithSuggestion($"{subject}unknown setting '{key}'", key, known.Concat(unimplemented)));
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
