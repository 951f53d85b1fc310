using Microsoft.Extensions.Logging;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Admin;
using PoolGuard.Gateway.Cancel;
using PoolGuard.Gateway.Clients;
using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Servers;
using PoolGuard.Gateway.Tls;

namespace PoolGuard.Gateway.Hosting;

/// <summary>What every client session needs from the gateway, gathered in one place.</summary>
internal sealed class GatewayContext
{
    public GatewayContext(PoolGuardConfig config, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _config = config;
        Time = time;
        Events = new EventLog(time);
        Pools = new PoolSet(config, time, Events);
        Authenticator = new ClientAuthenticator(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Tls = new TlsCertificates(config);
        Registry = new ConnectionRegistry();
        Metrics = new Telemetry.GatewayMetrics(Pools, Events, () => Config);
        Connector = new ServerConnector(() => Config.ServerConnectTimeout, Tls, Registry, Metrics);
        Inspector = new GatewayInspector(this);
        Control = new Control.GatewayControl(this);
        Cancels = new CancelRouter(() => Config.ServerConnectTimeout, Tls);
        Logger = loggerFactory.CreateLogger("PoolGuard.Gateway");
    }

    /// <summary>The configuration in force; a reload swaps it whole, so a reader sees the old or the new one, never a mix.</summary>
    public PoolGuardConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }
    private PoolGuardConfig _config;
    public TimeProvider Time { get; }
    public EventLog Events { get; }
    public PoolSet Pools { get; }
    public ClientAuthenticator Authenticator { get; }
    public ServerConnector Connector { get; }
    public ConnectionRegistry Registry { get; }
    public GatewayInspector Inspector { get; }
    public Control.GatewayControl Control { get; }
    public CancelRouter Cancels { get; }
    public Telemetry.GatewayMetrics Metrics { get; }

    /// <summary>Databases refused to new clients by DISABLE (until ENABLE).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> DisabledDatabases { get; } = new(StringComparer.Ordinal);

    /// <summary>The gateway's own reload and stop, for the console's RELOAD and SHUTDOWN (set by GatewayServer).</summary>
    public GatewayServer? Server { get; set; }

    /// <summary>TLS certificates and modes for both sides, swapped as a whole on reload.</summary>
    public TlsCertificates Tls { get; }
    public ILogger Logger { get; }
}
