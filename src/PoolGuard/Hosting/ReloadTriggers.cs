using System.Runtime.InteropServices;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Hosting;

/// <summary>
/// What makes `poolguard run` reload its configuration: SIGHUP (as PgBouncer) and any change to the
/// file. Editors save in several steps (truncate, write, rename), so changes are gathered for a
/// short quiet period and reloaded once; a half-written file that does not validate is refused and
/// the next change tries again. Started before the gateway listens: a client that sees the port open
/// may already have edited the file.
/// </summary>
internal sealed class ReloadTriggers(GatewayServer gateway, string configFile, ILogger logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(500);

    private PosixSignalRegistration? _sighup;
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _debounce = new Timer(_ => ReloadNow("the configuration file changed"), null, Timeout.Infinite, Timeout.Infinite);
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means reload here, not terminate
            ReloadNow("SIGHUP");
        });
        try
        {
            var watcher = new FileSystemWatcher(Path.GetDirectoryName(configFile)!, Path.GetFileName(configFile))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            _watcher = watcher;
            watcher.EnableRaisingEvents = true;
        }
        catch (IOException ex)
        {
            // The per-user inotify limit (fs.inotify.max_user_instances) is shared with every other
            // watcher on the machine; running without file watching beats not running.
            _watcher?.Dispose();
            _watcher = null;
            logger.ConfigWatchUnavailable(configFile, ex.Message);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _debounce?.Change(QuietPeriod, Timeout.InfiniteTimeSpan);

    private void ReloadNow(string reason)
    {
        try
        {
            logger.ReloadRequested(reason);
            gateway.Reload();
        }
        catch (Exception ex)
        {
            // A reload must never take the running gateway down.
            logger.ReloadCrashed(ex);
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _sighup?.Dispose();
        _debounce?.Dispose();
    }
}
