using System.Globalization;
using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Watch;

/// <summary>
/// Reads a watch entry's libpq connection string (<c>host=… port=… dbname=… user=… password=…</c>), the same
/// text in a [watch] line and a JSON Watch value. Problems come back as reasons that name the key, never a value.
/// </summary>
public static class WatchEntryParser
{
    public static readonly string[] Keys = ["host", "port", "dbname", "user", "password"];

    public static WatchEntry? Parse(string name, string text, List<string> problems)
    {
        var subject = $"watch {name}: ";
        if (!ConnectionStringParser.TryParse(text, out var pairs, out var error))
        {
            problems.Add(subject + error);
            return null;
        }

        var entry = new WatchEntry { Name = name };
        foreach (var (key, value) in pairs)
        {
            switch (key.ToLowerInvariant())
            {
                case "host":
                    entry = entry with { Host = value.Trim() };
                    break;
                case "port":
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                    {
                        entry = entry with { Port = port };
                    }
                    else
                    {
                        problems.Add($"{subject}port must be a whole number, got {SettingNames.Quote(value)}");
                    }

                    break;
                case "dbname":
                    entry = entry with { DbName = NullIfEmpty(value) };
                    break;
                case "user":
                    entry = entry with { User = NullIfEmpty(value) };
                    break;
                case "password":
                    entry = entry with { Password = NullIfEmpty(value) };
                    break;
                default:
                    problems.Add(KeySuggestions.WithSuggestion($"{subject}unknown setting '{key}'", key, Keys));
                    break;
            }
        }

        return entry;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
