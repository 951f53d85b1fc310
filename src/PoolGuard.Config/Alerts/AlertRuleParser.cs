using System.Globalization;
using PoolGuard.Config.Model;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Alerts;

/// <summary>
/// Reads an alert rule from its settings (<c>expr='…' for=1m severity=warning summary='…'</c> in an [alerts] line
/// or a JSON string; the same keys as a JSON object). A rule named as a shipped one starts from it, so
/// <c>DatabaseConnectionsHigh = for=2m</c> changes only the duration and <c>enabled=false</c> turns it off.
/// Only the syntax of each value is checked here; the validator checks the rule as a whole.
/// </summary>
internal static class AlertRuleParser
{
    public static readonly string[] Keys = ["expr", "for", "resolve", "severity", "summary", "description", "runbook_url", "labels", "enabled"];

    public static AlertRuleEntry? Parse(string name, string text, List<string> problems)
    {
        if (!ConnectionStringParser.TryParse(text, out var pairs, out var error))
        {
            problems.Add($"alert {name}: {error}");
            return null;
        }
        return Parse(name, pairs, problems);
    }

    public static AlertRuleEntry Parse(string name, IEnumerable<KeyValuePair<string, string>> pairs, List<string> problems)
    {
        var subject = $"alert {name}: ";
        var rule = DefaultAlertRules.Find(name) ?? new AlertRuleEntry { Name = name };
        foreach (var (rawKey, value) in pairs)
        {
            var key = Normalise(rawKey);
            switch (key)
            {
                case "expr":
                    rule = rule with { Expr = value.Trim() };
                    break;
                case "for":
                    if (DurationParser.TryParse(value, out var duration))
                    {
                        rule = rule with { For = duration };
                    }
                    else
                    {
                        problems.Add($"{subject}for must be {DurationParser.ExpectedForm}, got {SettingNames.Quote(value)}");
                    }
                    break;
                case "resolve":
                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var resolve) && double.IsFinite(resolve))
                    {
                        rule = rule with { Resolve = resolve };
                    }
                    else
                    {
                        problems.Add($"{subject}resolve must be a number, got {SettingNames.Quote(value)}");
                    }
                    break;
                case "severity":
                    rule = rule with { Severity = value.Trim().ToLowerInvariant() };
                    break;
                case "summary":
                    rule = rule with { Summary = value };
                    break;
                case "description":
                    rule = rule with { Description = value };
                    break;
                case "runbook_url":
                    rule = rule with { RunbookUrl = value.Trim() };
                    break;
                case "labels":
                    rule = rule with { Labels = ParseLabels(value, subject, problems) };
                    break;
                case "enabled":
                    if (bool.TryParse(value, out var enabled) || TryOnOff(value, out enabled))
                    {
                        rule = rule with { Enabled = enabled };
                    }
                    else
                    {
                        problems.Add($"{subject}enabled must be true or false, got {SettingNames.Quote(value)}");
                    }
                    break;
                default:
                    problems.Add(KeySuggestions.WithSuggestion($"{subject}unknown setting '{rawKey}'", rawKey, Keys));
                    break;
            }
        }
        return rule;
    }

    /// <summary>JSON objects name keys in PascalCase ("RunbookUrl"); ini lines in snake_case ("runbook_url").</summary>
    private static string Normalise(string key) =>
        key.Equals("RunbookUrl", StringComparison.OrdinalIgnoreCase) ? "runbook_url" : key.ToLowerInvariant();

    private static bool TryOnOff(string value, out bool enabled)
    {
        enabled = value.Trim() is "1" or "on" or "yes";
        return value.Trim() is "1" or "on" or "yes" or "0" or "off" or "no";
    }

    /// <summary><c>team=db,page=yes</c>.</summary>
    private static Dictionary<string, string> ParseLabels(string text, string subject, List<string> problems)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add($"{subject}labels must be name=value pairs separated by commas, got {SettingNames.Quote(part)}");
                continue;
            }
            labels[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }
        return labels;
    }
}
