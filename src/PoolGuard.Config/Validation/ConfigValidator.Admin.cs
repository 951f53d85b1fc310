using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Validation;

/// <summary>Checks of the admin console's settings: its reserved names and the statistics period.</summary>
internal sealed partial class ConfigValidator
{
    private void CheckAdminConsole()
    {
        foreach (var name in _config.Databases.Keys)
        {
            if (ConsoleDatabases.IsConsole(name))
            {
                Error($"Databases:{name}",
                    $"database {name}: the name is reserved for the admin console ({ConsoleDatabases.PgBouncer} and {ConsoleDatabases.PoolGuard} both reach it); give the entry another name");
            }
        }

        if (_config.StatsPeriod < TimeSpan.FromSeconds(1))
        {
            Error("StatsPeriod", $"{Name("StatsPeriod")} must be at least 1 second, got {DurationParser.Format(_config.StatsPeriod)}: the SHOW STATS averages are rates per period");
        }
    }
}
