using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Http;

/// <summary>
/// The admin HTTP endpoint (Kestrel, minimal APIs) beside the gateway: started after it, stopped
/// after its drain, so /readyz answers 503 while clients finish and /metrics stays readable
/// throughout. Address and port are read once at start (admin_http_address / admin_http_port).
/// </summary>
internal sealed class AdminHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterAggregator _meter;
    private readonly RuntimeMetrics _runtime;

    private AdminHttpServer(WebApplication app, MeterAggregator meter, RuntimeMetrics runtime)
    {
        _app = app;
        _meter = meter;
        _runtime = runtime;
    }

    /// <summary>Where it listens (the real port when configured with port 0).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// Starts listening; throws <see cref="GatewayStartException"/> naming admin_http_address /
    /// admin_http_port when the address cannot be bound (in use, not local, not permitted).
    /// </summary>
    public static async Task<AdminHttpServer> StartAsync(GatewayServer gateway, ILoggerFactory loggerFactory, int? portOverride = null)
    {
        var config = gateway.Config;
        var port = portOverride ?? config.AdminHttpPort;
        var address = IPAddress.TryParse(config.AdminHttpAddress, out var parsed)
            ? parsed
            : (await Dns.GetHostAddressesAsync(config.AdminHttpAddress).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new GatewayStartException($"AdminHttpAddress / admin_http_address: cannot resolve {config.AdminHttpAddress}; use an IP address such as 127.0.0.1",
                    new SocketException((int)SocketError.HostNotFound));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var meter = new MeterAggregator(gateway.Metrics);
        var runtime = new RuntimeMetrics();
        AdminEndpoints.Map(app, gateway, meter, runtime, new ReadinessProbe(gateway, TimeProvider.System));
        var server = new AdminHttpServer(app, meter, runtime);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new GatewayStartException(
                $"AdminHttpPort / admin_http_port: cannot listen on {config.AdminHttpAddress}:{port} for the admin HTTP endpoint: {ex.Message}; choose a free port or set admin_http_port = 0 to turn it off", ex);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(bound);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync().ConfigureAwait(false);
        _meter.Dispose();
        _runtime.Dispose();
    }
}
