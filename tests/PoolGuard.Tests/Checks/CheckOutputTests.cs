using System.Text.Json;
using NJsonSchema;
using PoolGuard.Checks;
using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Output;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Tests.Checks;

/// <summary>`check --format sarif|github` and the terminal text: valid SARIF 2.1.0 with stable fingerprints, escaped annotations.</summary>
public sealed class CheckOutputTests
{
    private static readonly string Fixtures = RepositoryFiles.Path("tests", "PoolGuard.Tests", "Checks", "Fixtures");

    private static CheckReport Everything() => CheckRun.Run([Fixtures], new ConnectionBudget(100));

    [Fact]
    public async Task Sarif_output_of_every_fixture_set_is_valid_against_the_published_2_1_0_schema()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Checks", "sarif-schema-2.1.0.json"));
        var report = Everything();
        var sarif = SarifLog.Render(report);

        Assert.Empty(schema.Validate(sarif));
        var run = JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0];
        Assert.Equal(report.Findings.Count, run.GetProperty("results").GetArrayLength());
        Assert.Equal(["PG000", "PG001", "PG002", "PG003", "PG004", "PG005", "PG006", "PG007"],
            run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Contains(report.Findings, f => f.Severity == Severity.Note); // all three levels are in the validated document
        var invalid = sarif.Replace("\"level\": \"note\"", "\"level\": \"info\"", StringComparison.Ordinal);
        Assert.NotEmpty(schema.Validate(invalid)); // the schema does catch a wrong level
    }

    [Fact]
    public void A_finding_keeps_its_fingerprint_when_its_line_and_numbers_change_but_not_when_its_subject_does()
    {
        var finding = new Finding(RuleIds.FleetDemandExceedsCapacity, Severity.Error, new Location("deploy/api.json", 4, 13), "can open 140 > 97") { Subject = "db:5432" };

        var moved = finding with { Location = new Location("deploy/api.json", 9, 2), Message = "can open 160 > 97" };
        var other = finding with { Subject = "replica:5432" };

        Assert.Equal(SarifLog.Fingerprint(finding), SarifLog.Fingerprint(moved));
        Assert.NotEqual(SarifLog.Fingerprint(finding), SarifLog.Fingerprint(other));
        Assert.All(Everything().Findings.Where(f => f.RuleId != RuleIds.Unreadable), f => Assert.NotNull(f.Subject));
    }

    [Fact]
    public void GitHub_annotations_carry_file_line_column_and_escape_what_the_runner_would_misread()
    {
        var report = new CheckReport(1, [], [new Finding(RuleIds.WaitTimeout, Severity.Warning, new Location("a,b/x:y.env", 3, 7), "100% wait\nforever", "Timeout=15")], null);

        var text = GitHubAnnotations.Render(report);

        Assert.Equal("::warning file=a%2Cb/x%3Ay.env,line=3,col=7,title=PG006 poolguard check::100%25 wait%0Aforever%0Asuggest: Timeout=15\n", text);
    }

    [Fact]
    public void Terminal_text_groups_by_file_with_colour_and_the_ci_form_has_none()
    {
        var report = Everything();

        var terminal = CheckText.Render(report, colour: true);
        var plain = CheckText.Render(report);

        Assert.Contains("\u001b[31merror\u001b[0m", terminal, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', plain);
        var firstFile = report.Findings[0].Location.File;
        Assert.Contains($"\u001b[1m{firstFile}\u001b[0m\n", terminal, StringComparison.Ordinal);
        Assert.Equal(report.Findings.Count, plain.Split('\n').Count(l => l.Contains(": error PG", StringComparison.Ordinal) || l.Contains(": warning PG", StringComparison.Ordinal) || l.Contains(": note PG", StringComparison.Ordinal)));
    }
}
