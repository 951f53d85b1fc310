using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Output;

/// <summary>
/// `check --format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers take it. Each result has
/// its rule, level, message (with the suggestion), location and a partialFingerprints entry built from the rule,
/// the file and the finding's subject — not its line or numbers — so an edited file keeps its alerts.
/// </summary>
public static class SarifLog
{
    public const string FingerprintKey = "poolguardFinding/v1";

    private static readonly (string Id, string Title)[] Unlisted = [(RuleIds.Unreadable, "a file or connection string could not be read, so what it declares was not checked")];

    public static string Render(CheckReport report)
    {
        var rules = Unlisted.Concat(CheckRun.Rules.Select(r => (r.Id, r.Title))).ToList();
        var index = rules.Select((r, i) => (r.Id, i)).ToDictionary(r => r.Id, r => r.i, StringComparer.Ordinal);
        var log = new SarifDocument(
            "https://json.schemastore.org/sarif-2.1.0.json", "2.1.0",
            [new SarifRun(
                new SarifTool(new SarifDriver("poolguard check", Version(), "https://www.postgresql.org/docs/current/runtime-config-connection.html",
                    [.. rules.Select(r => new SarifRule(r.Id, Name(r.Id), new SarifText(r.Title), new SarifText($"{r.Id}: {r.Title}. See docs/check.md in the PoolGuard repository.")))])),
                [.. report.Findings.Select(f => Result(f, index[f.RuleId]))])]);
        return JsonSerializer.Serialize(log, SarifJsonContext.Default.SarifDocument) + "\n";
    }

    /// <summary>The stable fingerprint of a finding: SHA-256 over rule, file and subject.</summary>
    public static string Fingerprint(Finding finding)
    {
        var text = $"{finding.RuleId}|{finding.Location.File.Replace('\\', '/')}|{finding.Subject ?? finding.Message}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    private static SarifResult Result(Finding finding, int ruleIndex) => new(
        finding.RuleId, ruleIndex, SeverityText.Of(finding.Severity),
        new SarifText(finding.Suggestion is { } s ? $"{finding.Message}. Suggested: {s}" : finding.Message),
        [new SarifLocation(new SarifPhysicalLocation(new SarifArtifact(Uri(finding.Location.File)),
            new SarifRegion(Math.Max(1, finding.Location.Line), Math.Max(1, finding.Location.Column))))],
        new Dictionary<string, string> { [FingerprintKey] = Fingerprint(finding) });

    /// <summary>A relative path as a relative URI reference (forward slashes, each segment escaped); an absolute one as file://.</summary>
    private static string Uri(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return new Uri(path).AbsoluteUri;
        }
        return string.Join('/', path.Replace('\\', '/').Split('/').Select(System.Uri.EscapeDataString));
    }

    /// <summary>PascalCase rule names for viewers that show one ("FleetDemandExceedsCapacity").</summary>
    private static string Name(string id) =>
        typeof(RuleIds).GetFields().FirstOrDefault(f => f.IsLiteral && (string?)f.GetRawConstantValue() == id)?.Name ?? id;

    private static string Version() =>
        typeof(SarifLog).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

internal sealed record SarifDocument([property: JsonPropertyName("$schema")] string Schema, string Version, IReadOnlyList<SarifRun> Runs);
internal sealed record SarifRun(SarifTool Tool, IReadOnlyList<SarifResult> Results);
internal sealed record SarifTool(SarifDriver Driver);
internal sealed record SarifDriver(string Name, string Version, string InformationUri, IReadOnlyList<SarifRule> Rules);
internal sealed record SarifRule(string Id, string Name, SarifText ShortDescription, SarifText FullDescription);
internal sealed record SarifText(string Text);
internal sealed record SarifResult(string RuleId, int RuleIndex, string Level, SarifText Message, IReadOnlyList<SarifLocation> Locations,
    IReadOnlyDictionary<string, string> PartialFingerprints);
internal sealed record SarifLocation(SarifPhysicalLocation PhysicalLocation);
internal sealed record SarifPhysicalLocation(SarifArtifact ArtifactLocation, SarifRegion Region);
internal sealed record SarifArtifact(string Uri);
internal sealed record SarifRegion(int StartLine, int StartColumn);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SarifDocument))]
internal sealed partial class SarifJsonContext : JsonSerializerContext;
