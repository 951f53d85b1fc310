using System.Globalization;
using PoolGuard.Gateway.Events;
using PoolGuard.Monitoring.Alerts;

namespace PoolGuard.Hosting;

/// <summary>Alert transitions as alert_firing / alert_resolved events, in the gateway's own timeline (ring, file, /api/events).</summary>
internal static class AlertEvents
{
    public static void Report(EventLog events, AlertTransition transition)
    {
        var alert = transition.Alert;
        var detail = $"{alert.Rule} ({alert.Severity}): {alert.Summary} [{alert.WhereText}]";
        var numbers = new Dictionary<string, long>
        {
            ["value_milli"] = double.IsFinite(alert.Value) ? (long)Math.Round(alert.Value * 1000) : 0,
        };
        if (transition.Firing)
        {
            numbers["pending_ms"] = (long)(transition.At - alert.ActiveSince).TotalMilliseconds;
        }
        else if (alert.FiringSince is { } since)
        {
            numbers["firing_ms"] = (long)(transition.At - since).TotalMilliseconds;
        }
        events.Report(transition.Firing ? GatewayEventKind.AlertFiring : GatewayEventKind.AlertResolved, Pool(alert), detail, numbers);
    }

    /// <summary>database/user for a pool's alert (the pgbouncer_* and poolguard_pool_* labels, or the OpenTelemetry pool name).</summary>
    private static string? Pool(Alert alert) =>
        alert.Labels.TryGetValue("db_client_connection_pool_name", out var pool) ? pool
        : alert.Labels.TryGetValue("database", out var database) && alert.Labels.TryGetValue("user", out var user)
            ? string.Create(CultureInfo.InvariantCulture, $"{database}/{user}")
            : null;
}
