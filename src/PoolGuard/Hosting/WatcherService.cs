using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Hosting;

/// <summary>Runs the database watcher for the life of the host; it starts after the gateway and stops before it.</summary>
internal sealed class WatcherService(DatabaseWatcher watcher) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => watcher.RunAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await watcher.DisposeAsync().ConfigureAwait(false);
    }
}
