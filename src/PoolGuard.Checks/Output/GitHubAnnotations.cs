using System.Text;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Output;

/// <summary>
/// `check --format github`: one workflow command per finding (<c>::error file=…,line=…,col=…,title=…::message</c>),
/// which GitHub Actions shows as an annotation on the file and line in the pull request. Values are escaped as the
/// runner expects: %, CR and LF everywhere, and also : and , inside properties.
/// </summary>
public static class GitHubAnnotations
{
    public static string Render(CheckReport report)
    {
        var text = new StringBuilder();
        foreach (var finding in report.Findings)
        {
            var command = finding.Severity switch
            {
                Severity.Error => "error",
                Severity.Warning => "warning",
                _ => "notice",
            };
            var message = finding.Suggestion is { } s ? $"{finding.Message}\nsuggest: {s}" : finding.Message;
            text.Append(
                $"::{command} file={Property(finding.Location.File.Replace('\\', '/'))},line={finding.Location.Line},col={finding.Location.Column},"
                + $"title={Property($"{finding.RuleId} poolguard check")}::{Data(message)}\n");
        }
        return text.ToString();
    }

    private static string Data(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string value) =>
        Data(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
