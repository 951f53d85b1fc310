using System.Globalization;
using System.Text;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Output;

/// <summary>
/// A check's findings as text. For a CI log or a pipe: one line each in the compiler format editors and CI link
/// (<c>file:line:column: error PG003: …</c>). On a terminal: grouped by file, severities coloured, suggestions dimmed.
/// Either way a summary line ends it.
/// </summary>
public static class CheckText
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string Dim = "\u001b[2m";

    public static string Render(CheckReport report, bool colour = false)
    {
        var text = new StringBuilder();
        if (colour)
        {
            foreach (var file in report.Findings.GroupBy(f => f.Location.File, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{Bold}{file.Key}{Reset}\n");
                foreach (var finding in file.OrderBy(f => f.Location.Line))
                {
                    text.Append(CultureInfo.InvariantCulture,
                        $"  {finding.Location.Line}:{finding.Location.Column}  {Colour(finding.Severity)}{SeverityText.Of(finding.Severity)}{Reset} {Bold}{finding.RuleId}{Reset}  {finding.Message}\n");
                    if (finding.Suggestion is { } suggestion)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"      {Dim}suggest: {suggestion}{Reset}\n");
                    }
                }
                text.Append('\n');
            }
        }
        else
        {
            foreach (var finding in report.Findings)
            {
                text.Append(CultureInfo.InvariantCulture, $"{finding.Location}: {SeverityText.Of(finding.Severity)} {finding.RuleId}: {finding.Message}\n");
                if (finding.Suggestion is { } suggestion)
                {
                    text.Append(CultureInfo.InvariantCulture, $"    suggest: {suggestion}\n");
                }
            }
        }
        text.Append(Summary(report)).Append('\n');
        return text.ToString();
    }

    public static string Summary(CheckReport report)
    {
        var counts = string.Join(", ", new[] { Severity.Error, Severity.Warning, Severity.Note }
            .Select(s => (Severity: s, Count: report.Findings.Count(f => f.Severity == s))).Where(c => c.Count > 0).Select(c => $"{c.Count} {SeverityText.Of(c.Severity)}(s)"));
        var named = report.Context?.Databases.Count ?? 0;
        var budget = report.Budget is { } b ? $"; capacity {b}{(named > 0 ? $" and {named} database(s) in .poolguard-check.yml" : "")}"
            : named > 0 ? $"; capacity of {named} database(s) from .poolguard-check.yml, others not summed"
            : "; no --max-connections: pools not summed against capacity";
        return $"poolguard check: {report.FilesRead} file(s), {report.Pools.Count} connection pool(s), {report.Gateways.Count} gateway limit(s){budget}; "
            + (counts.Length > 0 ? counts : "no findings");
    }

    private static string Colour(Severity severity) => severity switch
    {
        Severity.Error => "\u001b[31m",
        Severity.Warning => "\u001b[33m",
        _ => "\u001b[36m",
    };
}
