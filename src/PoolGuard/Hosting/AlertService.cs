using PoolGuard.Monitoring.Alerts;

namespace PoolGuard.Hosting;

/// <summary>Runs the alert rules for the life of the host; it starts after the gateway and the watcher, and stops before them.</summary>
internal sealed class AlertService(AlertEvaluator evaluator) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => evaluator.RunAsync(stoppingToken);
}
