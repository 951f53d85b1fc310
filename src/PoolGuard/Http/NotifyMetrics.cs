using PoolGuard.Monitoring.Notify;

namespace PoolGuard.Http;

/// <summary>
/// What became of the alert notifications, per receiver URL (scheme://host:port): delivered bodies, failed
/// attempts (each retry counts) and bodies given up. Every target has all three series from its start, so
/// increase() works from the first failure.
/// </summary>
internal static class NotifyMetrics
{
    public static void Write(PrometheusText text, AlertNotifier notifier)
    {
        text.Family("poolguard_alert_notifications_total", "counter",
            "Alert notifications by receiver and result: sent (delivered), failed (attempts that failed), dropped (given up)");
        foreach (var sender in notifier.Senders)
        {
            text.Sample("poolguard_alert_notifications_total", sender.Sent, ("receiver", sender.Receiver), ("target", sender.Target), ("result", "sent"));
            text.Sample("poolguard_alert_notifications_total", sender.Failed, ("receiver", sender.Receiver), ("target", sender.Target), ("result", "failed"));
            text.Sample("poolguard_alert_notifications_total", sender.DroppedCount, ("receiver", sender.Receiver), ("target", sender.Target), ("result", "dropped"));
        }
    }
}
