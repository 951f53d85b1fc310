using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using PoolGuard.Config.Auth;
using PoolGuard.Config.Model;
using PoolGuard.Config.Validation;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Json;

/// <summary>
/// Loads poolguard.json: the "PoolGuard" section of a JSON file, overlaid with POOLGUARD__… environment
/// variables, read key by key (not with the reflection binder) so that an unknown key or a value of the
/// wrong type is an error that names it. Other top-level sections (e.g. "Logging") belong to the host.
/// </summary>
internal static class JsonConfigLoader
{
    public const string SectionName = "PoolGuard";

    public static ConfigLoadResult Load(string file, IDictionary<string, string?>? environment, bool reviewing = false)
    {
        var diagnostics = new ConfigDiagnostics { Reviewing = reviewing };
        var overrides = EnvironmentOverrides.From(environment);
        var root = Build(file, overrides);
        var locations = new SettingLocations(file, DisplayName, path => $"key {SectionName}:{path} (not set)");
        var reader = new JsonSettingReader(file, overrides, diagnostics, locations);

        foreach (var top in root.GetChildren())
        {
            // Case-insensitive keys make "poolguard" fine already; this catches "PoolGaurd" and friends,
            // which would otherwise be silently ignored as a host section.
            if (!top.Key.Equals(SectionName, StringComparison.OrdinalIgnoreCase) && KeySuggestions.Closest(top.Key, [SectionName]) is not null)
            {
                diagnostics.Error(file, $"key {top.Path}", $"unknown section; did you mean '{SectionName}'?");
            }
        }

        var section = root.GetSection(SectionName);
        var config = new PoolGuardConfig();
        if (!section.Exists())
        {
            diagnostics.Error(file, $"key {SectionName}", $"missing or empty: the settings belong in a top-level \"{SectionName}\" object");
        }
        else if (section.Value is not null)
        {
            diagnostics.Error(file, $"key {SectionName}", "expected an object of settings, found a single value");
        }
        else
        {
            config = JsonGlobalSettings.Read(reader, section, out var authFile);
            if (authFile is not null)
            {
                config = WithAuthFile(config, authFile, file, reader, locations, diagnostics);
            }
        }

        ConfigValidator.Validate(config, locations, diagnostics);
        diagnostics.ThrowIfErrors();
        return new ConfigLoadResult(config, diagnostics.Warnings, file);
    }

    /// <summary>"PoolGuard:Databases:app:Port" → "Databases:app:Port", the path the validator uses.</summary>
    public static string ModelPath(string configurationPath) =>
        configurationPath.StartsWith(SectionName + ":", StringComparison.OrdinalIgnoreCase)
            ? configurationPath[(SectionName.Length + 1)..]
            : configurationPath;

    private static IConfigurationRoot Build(string file, EnvironmentOverrides overrides)
    {
        // ExclusionFilters.None: the default provider hides dot-files, which would make ".poolguard.json" "not found".
        using var files = new PhysicalFileProvider(Path.GetDirectoryName(file)!, ExclusionFilters.None);
        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(files, Path.GetFileName(file), optional: false, reloadOnChange: false)
                .AddInMemoryCollection(overrides.Values)
                .Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException(JsonSyntaxError.From(file, e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(new ConfigError(file, "file", $"cannot be read: {e.Message}"));
        }
    }

    private static PoolGuardConfig WithAuthFile(
        PoolGuardConfig config,
        IConfigurationSection setting,
        string file,
        JsonSettingReader reader,
        SettingLocations locations,
        ConfigDiagnostics diagnostics)
    {
        var written = reader.String(setting);
        if (string.IsNullOrWhiteSpace(written))
        {
            return config;
        }

        // Relative to the JSON file, not the working directory, so the pair can move together.
        var authFile = Path.GetFullPath(written.Trim(), Path.GetDirectoryName(file)!);
        if (!File.Exists(authFile))
        {
            if (!diagnostics.Reviewing)
            {
                reader.Error(setting, $"auth file '{authFile}' not found");
            }
            return config;
        }

        var users = new Dictionary<string, UserEntry>(config.Users, StringComparer.Ordinal);
        UserSecrets.Merge(users, AuthFileParser.Read(authFile, diagnostics), authFile, locations, diagnostics);
        return config with { Users = users };
    }

    /// <summary>In messages a JSON setting is called by its key; the pseudo-path "PasswordSources" names where passwords can go.</summary>
    private static string DisplayName(string modelPath) => modelPath switch
    {
        "PasswordSources" => "PoolGuard:Users:<name>:Password or PoolGuard:AuthFile",
        "Databases" => "PoolGuard:Databases",
        "Watch" => "PoolGuard:Watch",
        "Alerts" => "PoolGuard:Alerts",
        _ => modelPath[(modelPath.LastIndexOf(':') + 1)..],
    };
}
