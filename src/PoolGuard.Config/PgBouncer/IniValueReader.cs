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

    public TlsMode? TlsMode(IniEntry entry)
    {
        if (entry.Value.Length == 0)
        {
            return null;
        }

        if (TlsSettingNames.TryParseMode(entry.Value, out var value))
        {
            return value;
        }

        Error(entry, $"{entry.Key} expects {TlsSettingNames.ModeForms}, got {SettingNames.Quote(entry.Value)}");
        return null;
    }

    public System.Security.Authentication.SslProtocols? TlsProtocols(IniEntry entry)
    {
        if (entry.Value.Length == 0)
        {
            return null;
        }

        if (TlsSettingNames.TryParseProtocols(entry.Value, out var value, out var reason))
        {
            return value;
        }

        Error(entry, $"{entry.Key}: {reason}");
        return null;
    }

    /// <summary>A file path, relative to the ini file's directory (as auth_file is), so the files can move together.</summary>
    public static string? FilePath(IniEntry entry) =>
        entry.Value.Length == 0 ? null : Path.GetFullPath(entry.Value, Path.GetDirectoryName(entry.File)!);

    public int? Int(IniEntry entry) => Int(entry, entry.Key, entry.Value);

    public TimeSpan? Duration(IniEntry entry) => Duration(entry, entry.Key, entry.Value);

    public PoolMode? PoolMode(IniEntry entry) => PoolMode(entry, entry.Key, entry.Value);
}
