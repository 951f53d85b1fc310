using System.Globalization;
using System.Text;
using PoolGuard.Checks;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Cli;

/// <summary>A check's findings for a terminal and a CI log: one line each in the compiler format editors link, then a summary.</summary>
internal static class CheckText
{
    public static string Render(CheckReport report)
    {
        var text = new StringBuilder();
        foreach (var finding in report.Findings)
        {
            text.Append(CultureInfo.InvariantCulture, $"{finding.Location}: {Name(finding.Severity)} {finding.RuleId}: {finding.Message}\n");
            if (finding.Suggestion is { } suggestion)
            {
                text.Append(CultureInfo.InvariantCulture, $"    suggest: {suggestion}\n");
            }
        }
        var counts = string.Join(", ", new[] { Severity.Error, Severity.Warning, Severity.Note }
            .Select(s => (Severity: s, Count: report.Findings.Count(f => f.Severity == s))).Where(c => c.Count > 0).Select(c => $"{c.Count} {Name(c.Severity)}(s)"));
        var named = report.Context?.Databases.Count ?? 0;
        var budget = report.Budget is { } b ? $"; capacity {b}{(named > 0 ? $" and {named} database(s) in .poolguard-check.yml" : "")}"
            : named > 0 ? $"; capacity of {named} database(s) from .poolguard-check.yml, others not summed"
            : "; no --max-connections: pools not summed against capacity";
        text.Append(CultureInfo.InvariantCulture,
            $"poolguard check: {report.FilesRead} file(s), {report.Pools.Count} connection pool(s), {report.Gateways.Count} gateway limit(s){budget}; {(counts.Length > 0 ? counts : "no findings")}\n");
        return text.ToString();
    }

    private static string Name(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };
}
