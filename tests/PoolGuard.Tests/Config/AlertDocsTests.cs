using PoolGuard.Config.Alerts;

namespace PoolGuard.Tests.Config;

/// <summary>docs/monitoring.md lists every shipped rule as it is, and every runbook a rule links to exists.</summary>
public sealed class AlertDocsTests
{
    private static string Docs() => RepositoryFiles.Path("docs");

    public static TheoryData<string> Rules() => [.. DefaultAlertRules.All.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Monitoring_md_has_the_rule_with_its_expression_and_its_runbook_exists(string name)
    {
        var rule = DefaultAlertRules.Find(name)!;
        var row = File.ReadLines(Path.Combine(Docs(), "monitoring.md")).SingleOrDefault(l => l.StartsWith($"| `{name}` |", StringComparison.Ordinal));
        Assert.True(row is not null, $"docs/monitoring.md has no table row for {name}");
        Assert.Contains($"`{rule.Expr}`", row, StringComparison.Ordinal);
        Assert.Contains($"| {rule.Severity} |", row, StringComparison.Ordinal);
        Assert.Contains($"({rule.RunbookUrl})", row, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Docs(), rule.RunbookUrl)), $"{rule.RunbookUrl} is missing under docs/");
        Assert.Contains($"`{name}`", File.ReadAllText(Path.Combine(Docs(), rule.RunbookUrl)), StringComparison.Ordinal);
    }
}
