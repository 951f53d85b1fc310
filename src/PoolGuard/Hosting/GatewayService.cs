using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Hosting;

/// <summary>
/// The gateway as a hosted service. The host stops Kestrel (registered last, stopped first) in its
/// StopAsync phase, so the drain runs earlier, in StoppingAsync: the listener closes, clients finish
/// their transactions for up to shutdown_timeout, and all the while /readyz answers 503 and /metrics
/// stays readable. SHUTDOWN on the admin console stops the gateway by itself; the host follows.
/// </summary>
internal sealed class GatewayService(GatewayServer gateway, IHostApplicationLifetime lifetime, ILogger logger) : IHostedLifecycleService
{
    /// <summary>True once the gateway listens: a start failure after that came from a later service (the admin HTTP endpoint).</summary>
    public bool HasStarted { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        gateway.Start();
        HasStarted = true;
        _ = gateway.Stopped.ContinueWith(_ => lifetime.StopApplication(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The drain. The host's token is not passed on: shutdown_timeout bounds it (read at stop, so a reload counts).</summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!HasStarted)
        {
            return Task.CompletedTask;
        }
        logger.ShuttingDown(gateway.Config.ShutdownTimeout.TotalSeconds);
        return gateway.StopAsync();
    }

    /// <summary>Stops at once, without a drain: for a start that failed after the gateway began listening.</summary>
    public Task AbortAsync() => gateway.StopAsync(TimeSpan.Zero);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
