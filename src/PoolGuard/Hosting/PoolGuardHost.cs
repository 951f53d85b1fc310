using PoolGuard.Gateway.Hosting;
using PoolGuard.Http;
using PoolGuard.Monitoring.Alerts;
using PoolGuard.Monitoring.Notify;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Hosting;

/// <summary>
/// The composition root: one generic host runs the gateway, its reload triggers, the database watcher,
/// the alert engine and, when admin_http_port is set, the admin HTTP endpoint (Kestrel). Start order:
/// reload triggers, gateway, watcher, alerts, Kestrel. Stop order: the alerts and the watcher stop, the
/// gateway drains (listener, then clients) while Kestrel still serves /readyz and /metrics; then Kestrel;
/// then the triggers.
/// </summary>
internal sealed class PoolGuardHost : IAsyncDisposable
{
    /// <summary>How long Kestrel may finish its requests once the drain is over, as ASP.NET Core's default.</summary>
    private static readonly TimeSpan HttpGrace = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    private readonly HostSettings _settings;
    private readonly int? _httpPort;

    private PoolGuardHost(IHost host, HostSettings settings, int? httpPort)
    {
        _host = host;
        _settings = settings;
        _httpPort = httpPort;
        Gateway = host.Services.GetRequiredService<GatewayServer>();
        Logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HostLog.Category);
    }

    public GatewayServer Gateway { get; }

    /// <summary>The host's own log lines (<see cref="HostLog"/>).</summary>
    public ILogger Logger { get; }

    /// <summary>The admin HTTP endpoint's address once started; null when it is off.</summary>
    public Uri? AdminAddress { get; private set; }

    /// <summary>Builds the host; throws <see cref="GatewayStartException"/> when admin_http_address cannot be resolved.</summary>
    public static async Task<PoolGuardHost> CreateAsync(HostSettings settings)
    {
        var config = settings.Config;
        int? httpPort = settings.AdminHttpPort ?? (config.AdminHttpPort != 0 ? config.AdminHttpPort : null);
        // The install folder, not the working directory: an appsettings.json where the operator
        // happens to stand must not reconfigure the gateway's logging.
        var root = AppContext.BaseDirectory;
        IHost host;
        if (httpPort is { } port)
        {
            var address = await AdminHttp.ResolveAsync(config).ConfigureAwait(false);
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = root });
            AddServices(builder, settings);
            AdminHttp.AddTo(builder, address, port);
            var app = builder.Build();
            AdminHttp.Map(app);
            host = app;
        }
        else
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = root });
            AddServices(builder, settings);
            host = builder.Build();
        }
        return new PoolGuardHost(host, settings, httpPort);
    }

    private static void AddServices(IHostApplicationBuilder builder, HostSettings settings)
    {
        var config = settings.Config;
        builder.Logging.ClearProviders();
        settings.Logging(builder.Logging);
        builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout =
            config.ShutdownTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : config.ShutdownTimeout + GatewayServer.StuckSessionGrace + HttpGrace);

        builder.Services.AddSingleton(services => new GatewayServer(config, services.GetRequiredService<ILoggerFactory>(), configFile: settings.ConfigFile));
        ILogger HostLogger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger(HostLog.Category);
        // Registration order is start order (and the reverse is stop order); Kestrel comes after all of these.
        if (settings.ConfigFile is { } file)
        {
            builder.Services.AddHostedService(services => new ReloadTriggers(services.GetRequiredService<GatewayServer>(), file, HostLogger(services)));
        }
        builder.Services.AddSingleton(services => new GatewayService(
            services.GetRequiredService<GatewayServer>(), services.GetRequiredService<IHostApplicationLifetime>(), HostLogger(services)));
        builder.Services.AddHostedService(services => services.GetRequiredService<GatewayService>());
        // The watcher follows the gateway's configuration, so a reload re-plans what it watches.
        builder.Services.AddSingleton(services =>
        {
            var gateway = services.GetRequiredService<GatewayServer>();
            return new DatabaseWatcher(() => gateway.Config, services.GetRequiredService<ILoggerFactory>().CreateLogger(DatabaseWatcher.LogCategory));
        });
        builder.Services.AddHostedService(services => new WatcherService(services.GetRequiredService<DatabaseWatcher>()));
        // What /metrics serves is also what the alert rules read, with or without the HTTP endpoint.
        builder.Services.AddSingleton(services => new MeterAggregator(services.GetRequiredService<GatewayServer>().Metrics));
        builder.Services.AddSingleton<RuntimeMetrics>();
        builder.Services.AddSingleton(services =>
        {
            var gateway = services.GetRequiredService<GatewayServer>();
            return new AlertNotifier(() => gateway.Config, () => AdminHttp.LinkBase(services, gateway.Config),
                services.GetRequiredService<ILoggerFactory>().CreateLogger(AlertNotifier.LogCategory));
        });
        builder.Services.AddSingleton(services => new MetricsExposition(services.GetRequiredService<GatewayServer>(),
            services.GetRequiredService<MeterAggregator>(), services.GetRequiredService<RuntimeMetrics>(), services.GetRequiredService<DatabaseWatcher>(),
            services.GetRequiredService<AlertNotifier>()));
        builder.Services.AddSingleton(services =>
        {
            var gateway = services.GetRequiredService<GatewayServer>();
            var evaluator = new AlertEvaluator(() => gateway.Config, services.GetRequiredService<MetricsExposition>().Series,
                services.GetRequiredService<ILoggerFactory>().CreateLogger(AlertEvaluator.LogCategory));
            evaluator.Transitioned += transition => AlertEvents.Report(gateway.Events, transition);
            evaluator.Evaluated += services.GetRequiredService<AlertNotifier>().OnEvaluated;
            return evaluator;
        });
        builder.Services.AddHostedService(services => new AlertService(services.GetRequiredService<AlertEvaluator>()));
    }

    /// <summary>
    /// Starts every service. Throws <see cref="GatewayStartException"/> naming the setting when one
    /// cannot start; what had started is stopped again, without a drain.
    /// </summary>
    public async Task StartAsync()
    {
        var gateway = _host.Services.GetRequiredService<GatewayService>();
        try
        {
            await _host.StartAsync().ConfigureAwait(false);
        }
        catch (GatewayStartException)
        {
            await gateway.AbortAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (gateway.HasStarted && _httpPort is { } port && ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // Only Kestrel starts after the gateway.
            await gateway.AbortAsync().ConfigureAwait(false);
            throw AdminHttp.CannotListen(_settings.Config, port, ex);
        }
        if (_httpPort is not null)
        {
            AdminAddress = AdminHttp.BoundAddress(_host.Services);
        }
    }

    /// <summary>
    /// Runs until a signal (SIGINT, SIGTERM) or SHUTDOWN on the admin console asks the process to stop,
    /// then stops gracefully: the drain, then the admin HTTP endpoint, then the reload triggers.
    /// </summary>
    public Task RunUntilStoppedAsync() => _host.WaitForShutdownAsync();

    /// <summary>The graceful stop, asked for in code (tests).</summary>
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }
}
