using PoolGuard.Config.Model;

namespace PoolGuard.Config.Alerts;

/// <summary>The rules in force for a configuration: the shipped ones (as the config changed them) and its own.</summary>
public static class AlertRules
{
    public static IReadOnlyList<AlertRuleEntry> Effective(PoolGuardConfig config) =>
    [
        .. DefaultAlertRules.All.Select(r => config.Alerts.TryGetValue(r.Name, out var changed) ? changed : r)
            .Concat(config.Alerts.Values.Where(r => DefaultAlertRules.Find(r.Name) is null).OrderBy(r => r.Name, StringComparer.Ordinal))
            .Where(r => r.Enabled),
    ];
}
