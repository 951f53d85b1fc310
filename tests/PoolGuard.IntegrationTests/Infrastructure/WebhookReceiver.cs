using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP listener (Kestrel on a free loopback port) that keeps every body POSTed to it, as a webhook
/// receiver would; or, with <see cref="StartBlackHole"/>, a TCP listener that accepts and never answers.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly TcpListener? _blackHole;
    private readonly ConcurrentQueue<JsonElement> _bodies = new();
    private readonly ConcurrentBag<Socket> _held = [];

    private WebhookReceiver(WebApplication? app, TcpListener? blackHole, Uri url)
    {
        _app = app;
        _blackHole = blackHole;
        Url = url;
    }

    public Uri Url { get; }

    public IReadOnlyList<JsonElement> Bodies => [.. _bodies];

    public static async Task<WebhookReceiver> StartAsync(string path = "/hook/secret-token")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost(path, async (HttpContext context) =>
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            receiver!._bodies.Enqueue(document.RootElement.Clone());
            return Results.Ok();
        });
        await app.StartAsync();
        var bound = new Uri(app.Urls.First());
        receiver = new WebhookReceiver(app, null, new Uri(bound, path));
        return receiver;
    }

    /// <summary>Accepts connections and never reads or answers: every request to it times out.</summary>
    public static WebhookReceiver StartBlackHole()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var receiver = new WebhookReceiver(null, listener, new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook"));
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    receiver._held.Add(await listener.AcceptSocketAsync());
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        });
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _blackHole?.Stop();
        foreach (var socket in _held)
        {
            socket.Dispose();
        }
    }
}
