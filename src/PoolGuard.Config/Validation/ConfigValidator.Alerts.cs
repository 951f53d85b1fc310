using PoolGuard.Config.Alerts;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Validation;

/// <summary>Checks of the alert rules in force (the shipped ones as changed, and the config's own).</summary>
internal sealed partial class ConfigValidator
{
    private static readonly string[] Severities = ["info", "warning", "critical"];

    /// <summary>Labels the engine sets itself; a rule may not override them.</summary>
    private static readonly string[] ReservedLabels = ["alertname", "severity"];

    private void CheckAlerts()
    {
        var interval = _config.AlertEvaluationInterval;
        if (interval < TimeSpan.Zero || (interval > TimeSpan.Zero && interval < TimeSpan.FromSeconds(1)))
        {
            Error("AlertEvaluationInterval", $"{Name("AlertEvaluationInterval")} must be 0 (alerts off) or at least 1s, got {DurationParser.Format(interval)}");
        }

        foreach (var rule in AlertRules.Effective(_config))
        {
            // A shipped rule left as shipped is checked by the tests; what the config wrote is checked here.
            var path = _config.Alerts.ContainsKey(rule.Name) ? $"Alerts:{rule.Name}" : "Alerts";
            var subject = $"alert {rule.Name}: ";
            if (rule.Expr.Length == 0)
            {
                Error(path, $"{subject}expr is required, e.g. expr='{AlertExpression.ExpectedForm.Split(',')[0]}'");
                continue;
            }

            if (!AlertExpression.TryParse(rule.Expr, out var expression, out var error))
            {
                Error(path, subject + error);
                continue;
            }

            CheckAlertMetric(path, subject, expression!);
            if (Array.IndexOf(Severities, rule.Severity) < 0)
            {
                Error(path, $"{subject}severity must be one of {string.Join(", ", Severities)}, got {SettingNames.Quote(rule.Severity)}");
            }

            if (rule.For < TimeSpan.Zero)
            {
                Error(path, $"{subject}for must not be negative, got {DurationParser.Format(rule.For)}");
            }

            if (rule.Resolve is { } resolve && ResolveProblem(expression!, resolve) is { } problem)
            {
                Error(path, subject + problem);
            }

            foreach (var (label, _) in rule.Labels)
            {
                if (Array.IndexOf(ReservedLabels, label) >= 0 || !IsLabelName(label))
                {
                    Error(path, $"{subject}label {SettingNames.Quote(label)} is not allowed: label names are letters, digits and _, and alertname and severity are set by PoolGuard");
                }
            }

            foreach (var (field, template) in new[] { ("summary", rule.Summary), ("description", rule.Description) })
            {
                if (AlertTemplate.Problem(template) is { } templateProblem)
                {
                    Error(path, $"{subject}{field}: {templateProblem}");
                }
            }
        }
    }

    private void CheckAlertMetric(string path, string subject, AlertExpression expression)
    {
        if (!AlertMetrics.Types.TryGetValue(expression.Metric, out var type))
        {
            Error(path, KeySuggestions.WithSuggestion($"{subject}unknown metric '{expression.Metric}' (rules read the gauges and counters /metrics serves, docs/metrics.md)",
                expression.Metric, AlertMetrics.Types.Keys));
        }
        else if (type == AlertMetrics.Counter && expression.IncreaseWindow is null)
        {
            Error(path, $"{subject}{expression.Metric} is a counter, which only grows from process start: compare increase({expression.Metric}[1m]) instead");
        }
        else if (type == AlertMetrics.Gauge && expression.IncreaseWindow is not null)
        {
            Error(path, $"{subject}{expression.Metric} is a gauge: increase() reads counters; compare the gauge itself");
        }
    }

    /// <summary>The resolve threshold must lie on the side the value returns to, or the alert could never resolve.</summary>
    private static string? ResolveProblem(AlertExpression expression, double resolve) => expression.Comparison switch
    {
        AlertComparison.Above or AlertComparison.AtLeast when resolve > expression.Threshold =>
            $"resolve ({resolve}) must not be above the threshold ({expression.Threshold}) of a {AlertExpression.Operator(expression.Comparison)} rule",
        AlertComparison.Below or AlertComparison.AtMost when resolve < expression.Threshold =>
            $"resolve ({resolve}) must not be below the threshold ({expression.Threshold}) of a {AlertExpression.Operator(expression.Comparison)} rule",
        AlertComparison.Equal or AlertComparison.NotEqual => "resolve applies to >, >=, < and <= rules only",
        _ => null,
    };

    private static bool IsLabelName(string label) =>
        label.Length > 0 && (char.IsAsciiLetter(label[0]) || label[0] == '_') && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
