using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PoolGuard.Config.Alerts;

/// <summary>
/// The annotation templates of alert rules, in the part of Prometheus' template language they need:
/// <c>{{ $labels.database }}</c>, <c>{{ $value }}</c>, a pipe into <c>humanize</c>, <c>humanizePercentage</c> or
/// <c>humanizeDuration</c>, and PoolGuard's <c>{{ top "metric" "label" }}</c>: the label of the largest series of
/// that metric with the alert's database (the application holding most connections). Exported rules spell
/// <c>top</c> as a Prometheus query, so both engines write the same sentence.
/// </summary>
public static partial class AlertTemplate
{
    public static readonly string[] Functions = ["humanize", "humanizePercentage", "humanizeDuration"];

    [GeneratedRegex(@"\{\{(?<action>.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"^\s*(?:\$value|\$labels\.(?<label>[a-zA-Z_][a-zA-Z0-9_]*)|top\s+""(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)""\s+""(?<by>[a-zA-Z_][a-zA-Z0-9_]*)"")\s*(?:\|\s*(?<function>[a-zA-Z]+)\s*)?$")]
    private static partial Regex Term();

    /// <summary>The first problem of a template, or null when it renders.</summary>
    public static string? Problem(string template)
    {
        foreach (Match action in Action().Matches(template))
        {
            var term = Term().Match(action.Groups["action"].Value);
            if (!term.Success)
            {
                return $"cannot read {{{{{action.Groups["action"].Value}}}}}: use {{{{ $labels.name }}}}, {{{{ $value }}}} or {{{{ top \"metric\" \"label\" }}}}, optionally | {string.Join(" / ", Functions)}";
            }
            if (term.Groups["function"].Success && Array.IndexOf(Functions, term.Groups["function"].Value) < 0)
            {
                return $"unknown function {term.Groups["function"].Value}; known: {string.Join(", ", Functions)}";
            }
        }
        var open = template.Replace("{{", "", StringComparison.Ordinal).Length != template.Length - 2 * Action().Matches(template).Count;
        return open ? "a {{ without its }}" : null;
    }

    /// <summary>
    /// Renders a template checked by <see cref="Problem"/>. <paramref name="top"/> answers
    /// <c>top "metric" "label"</c> for the alert's labels (null when nothing matches: written as "unknown").
    /// </summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> labels, double value, Func<string, string, string?> top) =>
        Action().Replace(template, action =>
        {
            var term = Term().Match(action.Groups["action"].Value);
            if (!term.Success)
            {
                return action.Value;
            }
            if (term.Groups["metric"].Success)
            {
                return top(term.Groups["metric"].Value, term.Groups["by"].Value) ?? "unknown";
            }
            if (term.Groups["label"].Success)
            {
                return labels.TryGetValue(term.Groups["label"].Value, out var label) ? label : "";
            }
            return term.Groups["function"].Value switch
            {
                "humanize" => Humanize(value),
                "humanizePercentage" => Number(value * 100) + "%",
                "humanizeDuration" => HumanizeDuration(value),
                _ => Number(value),
            };
        });

    /// <summary>The same template for Prometheus: <c>top</c> becomes a query on the alert's database.</summary>
    public static string ToPrometheus(string template) =>
        Action().Replace(template, action =>
        {
            var term = Term().Match(action.Groups["action"].Value);
            if (!term.Success || !term.Groups["metric"].Success)
            {
                return action.Value;
            }
            var metric = term.Groups["metric"].Value;
            var by = term.Groups["by"].Value;
            return $"{{{{ with printf \"topk(1, {metric}{{database=%q}})\" $labels.database | query }}}}{{{{ . | first | label \"{by}\" }}}}{{{{ else }}}}unknown{{{{ end }}}}";
        });

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Humanize(double value)
    {
        string[] prefixes = ["", "k", "M", "G", "T"];
        var i = 0;
        while (Math.Abs(value) >= 1000 && i < prefixes.Length - 1)
        {
            value /= 1000;
            i++;
        }
        return value.ToString("0.###", CultureInfo.InvariantCulture) + prefixes[i];
    }

    /// <summary>Seconds as Prometheus writes them: "1m 5s", "2.5s", "3h 0m 0s".</summary>
    private static string HumanizeDuration(double seconds)
    {
        if (Math.Abs(seconds) < 60)
        {
            return seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        var text = new StringBuilder();
        if (span.Days > 0)
        {
            text.Append(span.Days).Append("d ");
        }
        if (span.TotalHours >= 1)
        {
            text.Append(span.Hours).Append("h ");
        }
        return text.Append(span.Minutes).Append("m ").Append(span.Seconds).Append('s').ToString();
    }
}
