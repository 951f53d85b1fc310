namespace PoolGuard.Config.Model;

/// <summary>
/// One alert rule: a condition over PoolGuard's metrics that must hold for <see cref="For"/> before the alert
/// fires, and stop holding against <see cref="Resolve"/> before it resolves. Written in both formats as
/// <c>expr='…' for=1m severity=warning summary='…'</c>; a rule named as a shipped one changes only what it sets.
/// </summary>
public sealed record AlertRuleEntry
{
    public required string Name { get; init; }

    /// <summary>The condition, e.g. <c>poolguard_db_connection_utilisation_ratio &gt;= 0.8</c> (see AlertExpression).</summary>
    public string Expr { get; init; } = "";

    /// <summary>How long the condition must hold before the alert fires; 0 fires at the first evaluation.</summary>
    public TimeSpan For { get; init; }

    /// <summary>
    /// The threshold a firing alert must cross back over to resolve (hysteresis), e.g. fire at 0.8 and resolve
    /// below 0.75, so a value hovering at the threshold does not flap. Null: the firing threshold.
    /// </summary>
    public double? Resolve { get; init; }

    /// <summary>info, warning or critical.</summary>
    public string Severity { get; init; } = "warning";

    /// <summary>One line; may use {{ $labels.name }}, {{ $value }} and {{ top "metric" "label" }}.</summary>
    public string Summary { get; init; } = "";

    public string Description { get; init; } = "";

    public string RunbookUrl { get; init; } = "";

    /// <summary>Labels added to every alert of the rule (team, page…), besides alertname and severity.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>False turns a rule off (the way to silence a shipped rule for good).</summary>
    public bool Enabled { get; init; } = true;
}
