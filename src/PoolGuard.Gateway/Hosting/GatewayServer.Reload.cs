using PoolGuard.Config;
using PoolGuard.Config.Model;
using PoolGuard.Config.Tls;
using PoolGuard.Gateway.Events;

namespace PoolGuard.Gateway.Hosting;

/// <summary>What a reload did: applied (with the changes) or refused (with the reasons).</summary>
public sealed record ReloadOutcome(bool Applied, IReadOnlyList<string> Changes, IReadOnlyList<string> Problems);

/// <summary>
/// Reload without restart: parse → validate → swap. The whole configuration is replaced in one
/// step; a file that does not load or validate changes nothing. Pools resize live (see
/// <see cref="Pooling.PoolSet.Reconfigure"/>); sessions already running keep the timeouts they
/// started with; new logins see new users, secrets and databases; new TLS handshakes use the new
/// certificates.
/// </summary>
public sealed partial class GatewayServer
{
    /// <summary>Reads the configuration file again and applies it (SIGHUP, a change of the file, RELOAD).</summary>
    public ReloadOutcome Reload()
    {
        if (_configFile is null)
        {
            return Refused(["this gateway was started without a configuration file; there is nothing to reload"]);
        }
        ConfigLoadResult loaded;
        try
        {
            loaded = ConfigLoader.Load(_configFile);
        }
        catch (ConfigException ex)
        {
            return Refused(ex.Errors.Select(e => e.ToString()).ToList());
        }
        return Apply(loaded.Config);
    }

    /// <summary>Puts an already validated configuration in force.</summary>
    public ReloadOutcome Apply(PoolGuardConfig next)
    {
        lock (_reloadLock)
        {
            var current = _gateway.Config;
            try
            {
                // First, so that unusable certificate files refuse the whole reload.
                _gateway.Tls.Reload(next);
            }
            catch (TlsFileException ex)
            {
                return Refused([ex.Message]);
            }
            var changes = ConfigChanges.Describe(current, next).ToList();
            // The listening socket stays as it is; say so rather than pretend.
            if (next.ListenAddress != current.ListenAddress || next.ListenPort != current.ListenPort)
            {
                changes.Add("ListenAddress/ListenPort take effect at the next start; still listening on " + (_listener is null ? "(not started)" : LocalEndPoint.ToString()));
                next = next with { ListenAddress = current.ListenAddress, ListenPort = current.ListenPort };
            }
            if (SwapEventFile(current, next) is { } fileProblem)
            {
                changes.Add(fileProblem);
                next = next with { EventLogFile = current.EventLogFile };
            }
            _gateway.Config = next;
            _gateway.Pools.Reconfigure(next);
            var summary = changes.Count == 0 ? "reloaded; nothing changed" : "reloaded: " + string.Join("; ", changes);
            _gateway.Logger.Reloaded(summary);
            _gateway.Events.Publish(GatewayEventKind.Reloaded, null, summary, new Dictionary<string, long> { ["changes"] = changes.Count });
            return new ReloadOutcome(true, changes, []);
        }
    }

    private ReloadOutcome Refused(IReadOnlyList<string> problems)
    {
        var summary = "reload refused, the previous configuration stays in force: " + string.Join("; ", problems);
        _gateway.Logger.ReloadFailed(summary);
        _gateway.Events.Publish(GatewayEventKind.ReloadFailed, null, summary, new Dictionary<string, long> { ["problems"] = problems.Count });
        return new ReloadOutcome(false, [], problems);
    }

    /// <summary>A changed EventLogFile: the new file takes over; one that cannot be opened leaves the old one in use.</summary>
    private string? SwapEventFile(PoolGuardConfig current, PoolGuardConfig next)
    {
        if (next.EventLogFile == current.EventLogFile || _listener is null)
        {
            return null;
        }
        EventFile? opened = null;
        if (next.EventLogFile.Length > 0)
        {
            try
            {
                opened = EventFile.Open(next.EventLogFile, message => _gateway.Logger.EventFileFailed(message));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"EventLogFile: cannot open {next.EventLogFile} ({ex.Message}); still writing to {(current.EventLogFile.Length > 0 ? current.EventLogFile : "memory only")}";
            }
        }
        var previous = _eventFile;
        _eventFile = opened;
        _gateway.Events.WriteTo(opened);
        if (previous is not null)
        {
            _ = previous.DisposeAsync().AsTask();
        }
        return null;
    }
}
