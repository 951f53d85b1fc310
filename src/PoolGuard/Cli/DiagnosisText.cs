using System.Globalization;
using System.Text;
using PoolGuard.Monitoring.Diagnosis;

namespace PoolGuard.Cli;

/// <summary>A diagnosis for a terminal: the verdict first, then every candidate with its status and numbers, ruled-out ones included.</summary>
internal static class DiagnosisText
{
    public static string Render(DiagnosisReport report)
    {
        var text = new StringBuilder();
        var seconds = (report.To - report.From).TotalSeconds;
        text.Append(CultureInfo.InvariantCulture, $"poolguard diagnose: {report.From:yyyy-MM-dd HH:mm:ss}Z, {seconds:0} s; read {string.Join(", ", report.Sources)}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{Name(report.Health)}: {report.Verdict}\n\n");
        foreach (var finding in report.Findings)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {Status(finding.Status),-10} {finding.Title} — {finding.Summary}\n");
            if (finding.Status is FindingStatus.Confirmed or FindingStatus.Possible)
            {
                foreach (var line in finding.Evidence)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  {"",-10}   · {line}\n");
                }
            }
        }
        return text.ToString();
    }

    private static string Name(Health health) => health switch
    {
        Health.Healthy => "HEALTHY",
        Health.Degraded => "DEGRADED",
        Health.Failing => "FAILING",
        _ => "UNKNOWN",
    };

    private static string Status(FindingStatus status) => status switch
    {
        FindingStatus.Confirmed => "CONFIRMED",
        FindingStatus.Possible => "possible",
        FindingStatus.RuledOut => "ruled out",
        _ => "no data",
    };
}
