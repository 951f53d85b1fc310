using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Monitoring.Alerts;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Http;

/// <summary>
/// The admin HTTP endpoint (Kestrel, minimal APIs) on the process host beside the gateway. Address and
/// port are read once at start (admin_http_address / admin_http_port).
/// </summary>
internal static class AdminHttp
{
    /// <summary>admin_http_address as an IP address; a host name is resolved once. Throws <see cref="GatewayStartException"/> naming the setting.</summary>
    public static async Task<IPAddress> ResolveAsync(PoolGuardConfig config) =>
        IPAddress.TryParse(config.AdminHttpAddress, out var parsed)
            ? parsed
            : (await Dns.GetHostAddressesAsync(config.AdminHttpAddress).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new GatewayStartException($"AdminHttpAddress / admin_http_address: cannot resolve {config.AdminHttpAddress}; use an IP address such as 127.0.0.1",
                    new SocketException((int)SocketError.HostNotFound));

    /// <summary>Kestrel on <paramref name="address"/>:<paramref name="port"/> and what the routes read.</summary>
    public static void AddTo(WebApplicationBuilder builder, IPAddress address, int port)
    {
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddSingleton(services => new ReadinessProbe(services.GetRequiredService<GatewayServer>(), TimeProvider.System));
    }

    public static void Map(WebApplication app) => AdminEndpoints.Map(app,
        app.Services.GetRequiredService<GatewayServer>(),
        app.Services.GetRequiredService<MetricsExposition>(),
        app.Services.GetRequiredService<ReadinessProbe>(),
        app.Services.GetRequiredService<DatabaseWatcher>(),
        app.Services.GetRequiredService<AlertEvaluator>());

    /// <summary>
    /// Where the admin endpoint is reached, for links in alert notifications when alert_external_url is not set:
    /// the bound address once Kestrel listens, else the configured one ("" when the endpoint is off).
    /// </summary>
    public static string LinkBase(IServiceProvider services, PoolGuardConfig config) =>
        services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? (config.AdminHttpPort != 0 ? $"http://{config.AdminHttpAddress}:{config.AdminHttpPort}" : "");

    /// <summary>Where it listens once started (the real port when configured with port 0).</summary>
    public static Uri BoundAddress(IServiceProvider services) =>
        new(services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The one line a port that cannot be bound gets: what, where, and which setting to change.</summary>
    public static GatewayStartException CannotListen(PoolGuardConfig config, int port, Exception ex) => new(
        $"AdminHttpPort / admin_http_port: cannot listen on {config.AdminHttpAddress}:{port} for the admin HTTP endpoint: {ex.Message}; choose a free port or set admin_http_port = 0 to turn it off", ex);
}
