using PoolGuard.Checks.Findings;
using PoolGuard.Config;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks.Sources.Gateways;

/// <summary>
/// PoolGuard's own configuration (poolguard*.json, poolguard*.ini), loaded and validated by the very loader the
/// gateway starts with (in its review mode), so a file the gateway would refuse is PG000 with the gateway's own
/// reasons. Environment variables are not read, and what comes with the deployment (auth file, passwords, TLS files)
/// is not required: the check reviews the files, whatever the machine running it has.
/// </summary>
internal sealed class PoolGuardConfigFile : IConfigReader
{
    public bool Matches(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("poolguard", StringComparison.OrdinalIgnoreCase)
            && (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".ini", StringComparison.OrdinalIgnoreCase));
    }

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        ConfigLoadResult loaded;
        try
        {
            loaded = ConfigLoader.LoadForReview(file.Path);
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                var line = error.Location.StartsWith("key ", StringComparison.Ordinal)
                    ? new SettingLines(file.Path, file.Shown).Find(error.Location[4..].Replace("PoolGuard:", "", StringComparison.Ordinal)).Line
                    : PgBouncerIniFile.LineOf(error.Location);
                var where = Path.GetFullPath(error.File) == Path.GetFullPath(file.Path) ? "" : $" (in {error.File})";
                inputs.Unreadable(new Location(file.Shown, line, 1), $"PoolGuard would not start: {error.Location}: {error.Reason}{where}");
            }
            return;
        }
        var config = loaded.Config;
        var lines = new SettingLines(file.Path, file.Shown);
        foreach (var cap in GatewayCapacity.PerServer(config))
        {
            inputs.Gateways.Add(GatewayLimit.Of(cap, file, "poolguard", config, lines.Find(cap.DecidingSetting), lines.Find(nameof(config.QueryWaitTimeout)), lines.Written));
        }
    }
}
