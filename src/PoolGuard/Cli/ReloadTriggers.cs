using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Cli;

/// <summary>
/// What makes `poolguard run` reload its configuration: SIGHUP (as PgBouncer) and any change to the
/// file. Editors save in several steps (truncate, write, rename), so changes are gathered for a
/// short quiet period and reloaded once; a half-written file that does not validate is refused and
/// the next change tries again.
/// </summary>
internal sealed class ReloadTriggers : IDisposable
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(500);

    private readonly GatewayServer _gateway;
    private readonly ILogger _logger;
    private readonly PosixSignalRegistration _sighup;
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _debounce;

    public ReloadTriggers(GatewayServer gateway, string configFile, ILogger logger)
    {
        _gateway = gateway;
        _logger = logger;
        _debounce = new Timer(_ => ReloadNow("the configuration file changed"), null, Timeout.Infinite, Timeout.Infinite);
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means reload here, not terminate
            ReloadNow("SIGHUP");
        });
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(configFile)!, Path.GetFileName(configFile))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
        _watcher.EnableRaisingEvents = true;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _debounce.Change(QuietPeriod, Timeout.InfiniteTimeSpan);

    private void ReloadNow(string reason)
    {
        try
        {
            _logger.LogInformation("Reloading the configuration ({Reason})", reason);
            _gateway.Reload();
        }
        catch (Exception ex)
        {
            // A reload must never take the running gateway down.
            _logger.LogError(ex, "Reload failed unexpectedly; the previous configuration stays in force");
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _sighup.Dispose();
        _debounce.Dispose();
    }
}
