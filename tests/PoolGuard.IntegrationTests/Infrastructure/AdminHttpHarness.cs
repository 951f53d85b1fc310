using Microsoft.Extensions.Logging.Abstractions;
using PoolGuard.Config.Model;
using PoolGuard.Http;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>A real gateway plus its admin HTTP endpoint on a free loopback port, and an HttpClient for it.</summary>
internal sealed class AdminHttpHarness : IAsyncDisposable
{
    private AdminHttpHarness(GatewayHarness gateway, AdminHttpServer http)
    {
        Gateway = gateway;
        Http = http;
        Client = new HttpClient { BaseAddress = http.Address, Timeout = TimeSpan.FromSeconds(15) };
    }

    public GatewayHarness Gateway { get; }
    public AdminHttpServer Http { get; }
    public HttpClient Client { get; }

    public static async Task<AdminHttpHarness> StartAsync(Func<PoolGuardConfig, PoolGuardConfig>? customize = null)
    {
        var gateway = GatewayHarness.Start(customize);
        var http = await AdminHttpServer.StartAsync(gateway.Server, NullLoggerFactory.Instance, portOverride: 0);
        return new AdminHttpHarness(gateway, http);
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
        await Http.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
