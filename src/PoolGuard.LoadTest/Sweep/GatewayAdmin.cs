using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.LoadTest.Sweep;

/// <summary>
/// The two calls `--sweep-pool-size` makes on a PoolGuard's admin endpoint: read a pool's size (GET /api/pools) and
/// change default_pool_size live (POST /api/control/set, the console's SET). Any refusal is a setup error naming
/// what the gateway answered, so the sweep stops before it measures something it did not set.
/// </summary>
public sealed class GatewayAdmin : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _root;

    /// <param name="endpoint">the admin endpoint (http://127.0.0.1:9930), or any URL under it such as its /metrics.</param>
    public GatewayAdmin(Uri endpoint, string? token)
    {
        _root = new Uri(endpoint, "/");
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Root => _root;

    /// <summary>The pool_size in force for database/user; null when the gateway has no such pool yet (no client has connected).</summary>
    public async Task<int?> PoolSizeAsync(string database, string user, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, "api/pools", cancellationToken).ConfigureAwait(false);
        using var pools = JsonDocument.Parse(body);
        foreach (var pool in pools.RootElement.EnumerateArray())
        {
            if (pool.GetProperty("database").GetString() == database && pool.GetProperty("user").GetString() == user)
            {
                return pool.GetProperty("pool_size").GetInt32();
            }
        }
        return null;
    }

    /// <summary>
    /// SET default_pool_size = <paramref name="size"/>, applied like a reload (idle servers beyond it close, busy ones on
    /// release). Answers the value it replaced, read from the change the gateway reports ("DefaultPoolSize: 20 → 5";
    /// no such line: it already was <paramref name="size"/>), so the sweep can put back exactly what it found.
    /// </summary>
    public async Task<int> SetDefaultPoolSizeAsync(int size, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, $"api/control/set?key=default_pool_size&value={size.ToString(CultureInfo.InvariantCulture)}", cancellationToken)
            .ConfigureAwait(false);
        using var answer = JsonDocument.Parse(body);
        if (answer.RootElement.TryGetProperty("notes", out var notes))
        {
            foreach (var note in notes.EnumerateArray())
            {
                if (note.GetString() is { } text && text.StartsWith(ChangePrefix, StringComparison.Ordinal)
                    && int.TryParse(text[ChangePrefix.Length..].Split('→')[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var previous))
                {
                    return previous;
                }
            }
        }
        return size;
    }

    private const string ChangePrefix = "DefaultPoolSize: ";

    private async Task<string> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var uri = new Uri(_root, path);
        try
        {
            using var request = new HttpRequestMessage(method, uri);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }
            var hint = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => " (give --token or $POOLGUARD_ADMIN_TOKEN)",
                HttpStatusCode.NotFound when method == HttpMethod.Post => " (is it a PoolGuard? the sweep needs its control API)",
                _ => "",
            };
            throw new LoadTestSetupException($"{method} {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}{hint}: {Detail(body)}");
        }
        catch (HttpRequestException ex)
        {
            throw new LoadTestSetupException($"cannot reach the gateway's admin endpoint {uri}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LoadTestSetupException($"{uri} did not answer in {_http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>The control API's "detail" when the body is its JSON, else the body's first line (a 403 explains itself in text).</summary>
    private static string Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail))
            {
                return detail.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
            // not JSON: the text itself
        }
        var line = body.Split('\n', 2)[0].Trim();
        return line.Length > 200 ? line[..200] : line;
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
