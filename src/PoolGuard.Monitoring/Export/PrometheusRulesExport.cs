using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;

namespace PoolGuard.Monitoring.Export;

/// <summary>
/// The alert rules in force as a Prometheus rule file, over the same metric names, so a fleet that runs
/// Prometheus fires the same alerts from a scrape of /metrics as PoolGuard's engine does in process. The resolve
/// threshold (hysteresis) becomes the Prometheus idiom: the rule keeps holding at the resolve threshold while its
/// own alert is firing (<c>… or (X >= resolve and ignoring(…) ALERTS{alertname="R",alertstate="firing"})</c>).
/// Strings are written as double-quoted YAML scalars (JSON escaping is valid YAML), so no template or
/// expression needs YAML care.
/// </summary>
public static class PrometheusRulesExport
{
    public const string GroupName = "poolguard";

    public static string Write(IReadOnlyList<AlertRuleEntry> rules, TimeSpan evaluationInterval)
    {
        var yaml = new StringBuilder();
        yaml.Append("# PoolGuard's alert rules for Prometheus: poolguard monitoring export --prometheus-rules\n");
        yaml.Append("# The same rules as the built-in engine, over the metrics /metrics serves (docs/monitoring.md).\n");
        yaml.Append("groups:\n");
        yaml.Append(CultureInfo.InvariantCulture, $"  - name: {Quote(GroupName)}\n");
        if (evaluationInterval > TimeSpan.Zero)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    interval: {AlertExpression.PromDuration(evaluationInterval)}\n");
        }
        yaml.Append("    rules:\n");
        foreach (var rule in rules)
        {
            if (!AlertExpression.TryParse(rule.Expr, out var expression, out _))
            {
                continue; // the validator refused it; nothing of it is exported
            }
            yaml.Append(CultureInfo.InvariantCulture, $"      - alert: {Quote(rule.Name)}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"        expr: {Quote(Expr(rule, expression!))}\n");
            if (rule.For > TimeSpan.Zero)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"        for: {AlertExpression.PromDuration(rule.For)}\n");
            }
            yaml.Append("        labels:\n");
            yaml.Append(CultureInfo.InvariantCulture, $"          severity: {Quote(rule.Severity)}\n");
            foreach (var (name, value) in rule.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                yaml.Append(CultureInfo.InvariantCulture, $"          {name}: {Quote(value)}\n");
            }
            yaml.Append("        annotations:\n");
            yaml.Append(CultureInfo.InvariantCulture, $"          summary: {Quote(AlertTemplate.ToPrometheus(rule.Summary))}\n");
            if (rule.Description.Length > 0)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"          description: {Quote(AlertTemplate.ToPrometheus(rule.Description))}\n");
            }
            if (rule.RunbookUrl.Length > 0)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"          runbook_url: {Quote(rule.RunbookUrl)}\n");
            }
        }
        return yaml.ToString();
    }

    /// <summary>The rule's condition in PromQL, with its resolve threshold as the firing alert's own hold.</summary>
    public static string Expr(AlertRuleEntry rule, AlertExpression expression)
    {
        if (rule.Resolve is not { } resolve || resolve.Equals(expression.Threshold))
        {
            return expression.ToPromQl();
        }
        var ignored = string.Join(", ", new[] { "alertname", "alertstate", "severity" }.Concat(rule.Labels.Keys.Order(StringComparer.Ordinal)));
        return $"{expression.ToPromQl()} or ({expression.ToPromQl(resolve)} and ignoring({ignored}) ALERTS{{alertname=\"{rule.Name}\", alertstate=\"firing\"}})";
    }

    /// <summary>Readable quoting: '&gt;' stays '&gt;' (YAML needs only quotes, backslashes and control characters escaped).</summary>
    private static readonly ExportJsonContext Relaxed = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static string Quote(string value) => JsonSerializer.Serialize(value, Relaxed.String);
}
