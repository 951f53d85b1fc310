using PoolGuard.Config.Json;
using PoolGuard.Config.PgBouncer;

namespace PoolGuard.Config;

/// <summary>
/// The one entry point for reading a configuration file. The file's extension picks the front door:
/// ".json" is PoolGuard's own format, ".ini" is a PgBouncer pgbouncer.ini (with its auth_file), so a
/// PgBouncer user can start PoolGuard on the files they already have. Both end in the same model and
/// the same validation.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Loads, validates and returns the configuration at <paramref name="path"/>.</summary>
    /// <param name="path">A poolguard .json file or a PgBouncer .ini file.</param>
    /// <param name="environment">Environment variables to read POOLGUARD__ overrides from (JSON only);
    /// null reads the process environment. Tests pass their own so they do not depend on the machine.</param>
    /// <exception cref="ConfigException">The file is missing, unreadable, malformed or invalid; lists every problem.</exception>
    public static ConfigLoadResult Load(string path, IDictionary<string, string?>? environment = null) => Load(path, environment, reviewing: false);

    /// <summary>
    /// Loads and validates as the gateway would, for review away from where it runs (`poolguard check` in CI):
    /// environment variables are not read, and what is supplied at deployment — an auth file that is not there,
    /// users without passwords, TLS certificates and keys — is not required. Every other rule applies.
    /// </summary>
    public static ConfigLoadResult LoadForReview(string path) => Load(path, new Dictionary<string, string?>(), reviewing: true);

    private static ConfigLoadResult Load(string path, IDictionary<string, string?>? environment, bool reviewing)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = Path.GetFullPath(path);
        if (!File.Exists(file))
        {
            throw new ConfigException(new ConfigError(file, "file", "not found"));
        }

        var result = Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".json" => JsonConfigLoader.Load(file, environment, reviewing),
            ".ini" => PgBouncerConfigLoader.Load(file, reviewing),
            var other => throw new ConfigException(new ConfigError(file, "file",
                $"unsupported file type '{other}'; use a .json file (PoolGuard's format) or a .ini file (PgBouncer's pgbouncer.ini)")),
        };
        return ResolvePaths(result);
    }

    /// <summary>Files named in the configuration are relative to the configuration file, not to wherever the process was started.</summary>
    private static ConfigLoadResult ResolvePaths(ConfigLoadResult result)
    {
        var directory = Path.GetDirectoryName(result.SourceFile)!;
        var config = result.Config;
        if (config.EventLogFile.Length > 0)
        {
            config = config with { EventLogFile = Path.GetFullPath(config.EventLogFile, directory) };
        }
        return result with { Config = config };
    }
}
