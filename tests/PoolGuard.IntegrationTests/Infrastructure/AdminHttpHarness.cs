using PoolGuard.Config.Model;
using PoolGuard.Hosting;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A real gateway plus its admin HTTP endpoint on a free loopback port, on the process host `poolguard
/// run` uses (the same composition root, without signals' and files' reload triggers), and an HttpClient for it.
/// </summary>
internal sealed class AdminHttpHarness : IAsyncDisposable
{
    private AdminHttpHarness(PoolGuardHost host, GatewayHarness gateway)
    {
        Host = host;
        Gateway = gateway;
        Client = new HttpClient { BaseAddress = host.AdminAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public PoolGuardHost Host { get; }
    public GatewayHarness Gateway { get; }
    public HttpClient Client { get; }

    public static async Task<AdminHttpHarness> StartAsync(Func<PoolGuardConfig, PoolGuardConfig>? customize = null)
    {
        var config = GatewayHarness.Prepare(customize);
        var host = await PoolGuardHost.CreateAsync(new HostSettings(config) { AdminHttpPort = 0 });
        await host.StartAsync();
        return new AdminHttpHarness(host, GatewayHarness.Adopt(host.Gateway, config));
    }

    public async Task<string> GetStringAsync(string path, string? token = null)
    {
        using var response = await SendAsync(path, token);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsStringAsync();
    }

    public Task<HttpResponseMessage> SendAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, token);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        // The drain, then Kestrel; the host owns the gateway and disposes it.
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
