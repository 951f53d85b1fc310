namespace PoolGuard.Monitoring.Alerts;

public enum AlertState
{
    /// <summary>The condition holds, not yet for the rule's `for` duration.</summary>
    Pending,
    Firing,
}

/// <summary>
/// One alert of a rule: for one series (a pool, a database), its state, the value that made it, and its
/// annotations rendered for that series. Labels are the series' labels, the rule's own, alertname and severity.
/// </summary>
public sealed record Alert(
    string Rule,
    IReadOnlyDictionary<string, string> Labels,
    AlertState State,
    double Value,
    DateTimeOffset ActiveSince,
    DateTimeOffset? FiringSince,
    string Severity,
    string Summary,
    string Description,
    string RunbookUrl,
    string Expr)
{
    /// <summary>The rule and its series' labels: one alert's identity (as Alertmanager groups them).</summary>
    public string Key => Rule + "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";

    /// <summary>The labels that say where, for people: <c>database=app, user=app_user</c> (alertname and severity are said already).</summary>
    public string WhereText => string.Join(", ", Labels.Where(l => l.Key is not ("alertname" or "severity"))
        .OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}

/// <summary>An alert that began firing, or resolved, at one evaluation.</summary>
public sealed record AlertTransition(Alert Alert, bool Firing, DateTimeOffset At);
