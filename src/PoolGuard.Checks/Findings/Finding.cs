using System.Text.Json.Serialization;

namespace PoolGuard.Checks.Findings;

[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("note")] Note,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("error")] Error,
}

public static class SeverityText
{
    /// <summary>error, warning, note: the words text output and SARIF's result level both use.</summary>
    public static string Of(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };
}

/// <summary>Where in a file: 1-based line and column, as editors and SARIF count them.</summary>
public sealed record Location(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// One thing `poolguard check` found: a stable rule id (PG001…), how bad, where, what with the numbers behind it,
/// and the value it suggests instead (null when there is no single right one).
/// </summary>
public sealed record Finding(string RuleId, Severity Severity, Location Location, string Message, string? Suggestion = null)
{
    /// <summary>What the finding is about, without its numbers (a pool, a gateway, a server): with the rule and the
    /// file it identifies the finding across commits, so a SARIF baseline does not see a new alert when a value changes.</summary>
    public string? Subject { get; init; }

    /// <summary>What `check --fix` would change for it; empty when only a person can decide.</summary>
    public IReadOnlyList<Fixes.FileFix> Fixes { get; init; } = [];
}
