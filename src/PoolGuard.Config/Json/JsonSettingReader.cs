using System.Globalization;
using Microsoft.Extensions.Configuration;
using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Json;

/// <summary>
/// Reads typed values out of configuration sections and reports problems against the key (or the
/// environment variable) that holds them. Every read records where the setting came from for the
/// validator. Readers return null for "not set" — a JSON null, an empty list or object, or an empty
/// value — so the model's default applies; they also return null after reporting a bad value, so one
/// mistake does not hide the next.
/// </summary>
internal sealed class JsonSettingReader(
    string file,
    EnvironmentOverrides environment,
    ConfigDiagnostics diagnostics,
    SettingLocations locations)
{
    private const string WholeNumber = "a whole number";

    public void Error(IConfigurationSection section, string reason) => diagnostics.Error(file, Describe(section), reason);

    public void Record(IConfigurationSection section) =>
        locations.Record(JsonConfigLoader.ModelPath(section.Path), file, Describe(section));

    /// <summary>The children of <paramref name="section"/> whose keys are known; each unknown one is an error.</summary>
    public List<IConfigurationSection> KnownChildren(IConfigurationSection section, IReadOnlyCollection<string> known)
    {
        var children = new List<IConfigurationSection>();
        foreach (var child in section.GetChildren())
        {
            if (known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                children.Add(child);
            }
            else
            {
                Error(child, KeySuggestions.WithSuggestion("unknown setting", child.Key, known));
            }
        }

        return children;
    }

    /// <summary>A string as written; "" is a value (e.g. an empty ServerResetQuery turns it off).</summary>
    public string? String(IConfigurationSection section) => Scalar(section, "a string", trim: false);

    public int? Int(IConfigurationSection section)
    {
        var text = Scalar(section, WholeNumber);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(section, $"expected {WholeNumber}, got {SettingNames.Quote(text)}");
        return null;
    }

    public TimeSpan? Duration(IConfigurationSection section)
    {
        var text = Scalar(section, DurationParser.ExpectedForm);
        if (text is null)
        {
            return null;
        }

        if (DurationParser.TryParse(text, out var value))
        {
            return value;
        }

        Error(section, $"expected {DurationParser.ExpectedForm}, got {SettingNames.Quote(text)}");
        return null;
    }

    public AuthType? AuthType(IConfigurationSection section)
    {
        var text = Scalar(section, SettingNames.AuthTypeForms);
        if (text is null)
        {
            return null;
        }

        if (SettingNames.TryParseAuthType(text, out var value))
        {
            return value;
        }

        Error(section, $"expected one of {SettingNames.AuthTypeForms}, got {SettingNames.Quote(text)}");
        return null;
    }

    public PoolMode? PoolMode(IConfigurationSection section)
    {
        var text = Scalar(section, SettingNames.PoolModeForms);
        if (text is null)
        {
            return null;
        }

        if (SettingNames.TryParsePoolMode(text, out var value))
        {
            return value;
        }

        Error(section, $"expected one of {SettingNames.PoolModeForms}, got {SettingNames.Quote(text)}");
        return null;
    }

    /// <summary>A JSON list of names, or one comma-separated string — the form an environment variable can carry.
    /// A string set by the environment replaces a list from the file, like every other override.</summary>
    public IReadOnlyList<string>? List(IConfigurationSection section)
    {
        Record(section);
        if (section.Value is not null)
        {
            return SettingNames.SplitList(section.Value);
        }

        var names = new List<string>();
        foreach (var item in section.GetChildren())
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                Error(section, "expected a list of names, found an object");
                return null;
            }

            if (item.GetChildren().Any())
            {
                Error(item, "expected a name, found an object or a list");
                return null;
            }

            if (!string.IsNullOrWhiteSpace(item.Value))
            {
                names.Add(item.Value.Trim());
            }
        }

        return names.Count == 0 ? null : [.. names];
    }

    public TlsMode? TlsMode(IConfigurationSection section) =>
        Parsed(section, TlsSettingNames.ModeForms, (string text, out Model.TlsMode value, out string? reason) =>
        {
            reason = $"expected one of {TlsSettingNames.ModeForms}, got {SettingNames.Quote(text)}";
            return TlsSettingNames.TryParseMode(text, out value);
        });

    public System.Security.Authentication.SslProtocols? TlsProtocols(IConfigurationSection section) =>
        Parsed<System.Security.Authentication.SslProtocols>(section, TlsSettingNames.ProtocolForms, TlsSettingNames.TryParseProtocols);

    private delegate bool Parser<T>(string text, out T value, out string? reason);

    /// <summary>A scalar turned into <typeparamref name="T"/> by <paramref name="parse"/>, whose reason is the error when it fails.</summary>
    private T? Parsed<T>(IConfigurationSection section, string expected, Parser<T> parse)
        where T : struct
    {
        if (Scalar(section, expected) is not { } text)
        {
            return null;
        }

        if (parse(text, out var value, out var reason))
        {
            return value;
        }

        Error(section, reason!);
        return null;
    }

    /// <summary>A file path, relative to the JSON file's directory (like AuthFile), so config and certificates move together.</summary>
    public string? FilePath(IConfigurationSection section) =>
        Scalar(section, "a file path") is { } text ? Path.GetFullPath(text, Path.GetDirectoryName(file)!) : null;

    /// <summary>The section's text, or null when not set or when it is an object/list where a single value belongs.</summary>
    private string? Scalar(IConfigurationSection section, string expected, bool trim = true)
    {
        Record(section);
        if (section.GetChildren().Any())
        {
            Error(section, $"expected {expected}, found an object or a list");
            return null;
        }

        if (!trim)
        {
            return section.Value;
        }

        return string.IsNullOrWhiteSpace(section.Value) ? null : section.Value.Trim();
    }

    private string Describe(IConfigurationSection section) =>
        environment.VariableFor(section.Path) is { } variable
            ? $"key {section.Path} (environment variable {variable})"
            : $"key {section.Path}";
}
