using System.Collections;
using System.Globalization;
using System.Reflection;
using PoolGuard.Config.Model;

namespace PoolGuard.Config;

/// <summary>
/// What a reload changes, one line per setting ("DefaultPoolSize: 20 → 5", "database reports: added"),
/// for the reload event and log. Secrets ([Secret]: passwords, the admin HTTP token) are never shown,
/// only that they changed. Settings the
/// running process cannot apply are listed apart: they take effect at the next start.
/// </summary>
public static class ConfigChanges
{
    /// <summary>Settings bound at start (the listening socket); a reload leaves them as they were.</summary>
    public static readonly IReadOnlyList<string> RestartOnly = [nameof(PoolGuardConfig.ListenAddress), nameof(PoolGuardConfig.ListenPort)];

    public static IReadOnlyList<string> Describe(PoolGuardConfig before, PoolGuardConfig after)
    {
        var changes = new List<string>();
        CompareProperties(before, after, "", changes, skip: [nameof(PoolGuardConfig.Databases), nameof(PoolGuardConfig.Users), nameof(PoolGuardConfig.Watch), nameof(PoolGuardConfig.Alerts)]);
        CompareEntries("database", before.Databases, after.Databases, changes);
        CompareEntries("user", before.Users, after.Users, changes);
        CompareEntries("watch", before.Watch, after.Watch, changes);
        CompareEntries("alert", before.Alerts, after.Alerts, changes);
        return changes;
    }

    private static void CompareEntries<T>(string what, IReadOnlyDictionary<string, T> before, IReadOnlyDictionary<string, T> after, List<string> changes)
        where T : notnull
    {
        foreach (var name in before.Keys.Except(after.Keys).Order(StringComparer.Ordinal))
        {
            changes.Add($"{what} {name}: removed");
        }
        foreach (var name in after.Keys.Except(before.Keys).Order(StringComparer.Ordinal))
        {
            changes.Add($"{what} {name}: added");
        }
        foreach (var name in before.Keys.Intersect(after.Keys).Order(StringComparer.Ordinal))
        {
            CompareProperties(before[name], after[name], $"{what} {name}: ", changes, skip: []);
        }
    }

    private static void CompareProperties(object before, object after, string prefix, List<string> changes, string[] skip)
    {
        foreach (var property in before.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (skip.Contains(property.Name) || !property.CanWrite)
            {
                continue; // computed properties (no init accessor) follow from the others
            }
            var old = property.GetValue(before);
            var now = property.GetValue(after);
            if (SameValue(old, now))
            {
                continue;
            }
            changes.Add(property.IsDefined(typeof(SecretAttribute))
                ? $"{prefix}{property.Name} changed"
                : $"{prefix}{property.Name}: {Show(old)} → {Show(now)}");
        }
    }

    private static bool SameValue(object? a, object? b) =>
        a is IEnumerable first && b is IEnumerable second && a is not string
            ? first.Cast<object?>().SequenceEqual(second.Cast<object?>())
            : Equals(a, b);

    private static string Show(object? value) => value switch
    {
        null => "(not set)",
        string text => text.Length == 0 ? "\"\"" : text,
        TimeSpan span => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>()) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
