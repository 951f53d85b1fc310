using System.Diagnostics;
using PoolGuard.Gateway.Admin;
using PoolGuard.Gateway.Stats;

namespace PoolGuard.Gateway.Hosting;

/// <summary>
/// The read surface for the rest of the program (<see cref="View"/>): the same numbers the admin
/// console's SHOW commands print. And the stats_period timer that turns totals into averages.
/// </summary>
public sealed partial class GatewayServer
{
    /// <summary>What the console, the HTTP API, the metrics and the tools read: pools, clients, servers, stats, events, state.</summary>
    public View.IGatewayView View => _gateway.Inspector;

    /// <summary>Shorthand for <c>View.Clients()</c>.</summary>
    public IReadOnlyList<ClientConnectionInfo> GetClients() => View.Clients();

    /// <summary>Shorthand for <c>View.Servers()</c>.</summary>
    public IReadOnlyList<ServerConnectionInfo> GetServers() => View.Servers();

    /// <summary>The gateway's System.Diagnostics.Metrics instruments (meter "PoolGuard").</summary>
    public Telemetry.GatewayMetrics Metrics => _gateway.Metrics;

    /// <summary>True from Start until StopAsync begins: new clients are being accepted.</summary>
    public bool IsAccepting => _listener is not null && !_stopping.IsCancellationRequested;

    /// <summary>Shorthand for <c>View.Stats()</c>.</summary>
    public IReadOnlyList<DatabaseStats> GetStats() => View.Stats();

    private async Task StatsLoopAsync()
    {
        // Validation keeps stats_period at 1 s or more; a config built in code is held to the same floor.
        var period = _gateway.Config.StatsPeriod < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : _gateway.Config.StatsPeriod;
        using var timer = new PeriodicTimer(period, _gateway.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var pool in _gateway.Pools.ListPools())
                {
                    pool.Stats.Tick(now);
                }
                _gateway.Registry.PruneClosedServers();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>PAUSE or KILL is in force for <paramref name="database"/> (by name or for all), as SHOW DATABASES reports.</summary>
    public bool IsPaused(string database) => _gateway.Pools.IsPaused(database);

    /// <summary>DISABLE is in force for <paramref name="database"/>.</summary>
    public bool IsDisabled(string database) => _gateway.DisabledDatabases.ContainsKey(database);
}
