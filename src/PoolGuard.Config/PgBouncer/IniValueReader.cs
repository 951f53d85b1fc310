using System.Globalization;
using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.PgBouncer;

/// <summary>
/// Typed values from pgbouncer.ini lines. Each reader reports a bad value against the file and line,
/// naming the setting and the form it expects, and returns null so loading goes on to the next line.
/// An empty value means "not set", as in PgBouncer.
/// </summary>
internal sealed class IniValueReader(ConfigDiagnostics diagnostics)
{
    public void Error(IniEntry entry, string reason) => diagnostics.Error(entry.File, entry.Location, reason);

    public void Warn(IniEntry entry, string message) => diagnostics.Warn(entry.File, entry.Location, message);

    public int? Int(IniEntry entry, string name, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(entry, $"{name} expects a whole number, got {SettingNames.Quote(text)}");
        return null;
    }

    public TimeSpan? Duration(IniEntry entry, string name, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        Error(entry, $"{name} expects {DurationParser.ExpectedForm}, got {SettingNames.Quote(text)}");
        return null;
    }

    public PoolMode? PoolMode(IniEntry entry, string name, string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (SettingNames.TryParsePoolMode(text, out var value))
        {
            return value;
        }

        Error(entry, $"{name} expects {SettingNames.PoolModeForms}, got {SettingNames.Quote(text)}");
        return null;
    }

    public int? Int(IniEntry entry) => Int(entry, entry.Key, entry.Value);

    public TimeSpan? Duration(IniEntry entry) => Duration(entry, entry.Key, entry.Value);

    public PoolMode? PoolMode(IniEntry entry) => PoolMode(entry, entry.Key, entry.Value);
}
