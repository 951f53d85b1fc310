using PoolGuard.Monitoring.Alerts;

namespace PoolGuard.Http;

/// <summary>The alert engine's snapshot as the /api/alerts document.</summary>
internal static class AlertViews
{
    public static AlertList Document(AlertSnapshot snapshot) => new(
        snapshot.EvaluatedAt,
        [.. snapshot.Alerts.Select(a => new AlertDocument(a.Rule, a.State == AlertState.Firing ? "firing" : "pending", a.Severity, a.Labels, a.Value,
            a.ActiveSince, a.FiringSince, a.Summary, a.Description, a.RunbookUrl, a.Expr))],
        [.. snapshot.Rules.Select(r => new AlertRuleDocument(r.Name, r.Expr, r.For.TotalSeconds, r.Resolve, r.Severity, r.RunbookUrl, r.Labels,
            snapshot.Alerts.Count(a => a.Rule == r.Name && a.State == AlertState.Firing),
            snapshot.Alerts.Count(a => a.Rule == r.Name && a.State == AlertState.Pending)))]);
}
