using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace PoolGuard.Monitoring.Notify;

/// <summary>
/// Delivers notification bodies to one URL, in order, from its own loop: the evaluator only enqueues, so a
/// receiver that is down, slow or black-holing costs the gateway nothing. Each body is tried up to
/// <see cref="MaxAttempts"/> times with exponential backoff (1 s, 2 s, 4 s … at most 30 s between tries), each
/// try bounded by the notify timeout; a full queue drops its oldest body. Failures are counted per attempt.
/// </summary>
public sealed class NotificationSender : IAsyncDisposable
{
    public const int MaxAttempts = 6;
    public const int QueueCapacity = 256;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(30);
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly Uri _url;
    private readonly HttpClient _http;
    private readonly Func<TimeSpan> _timeout;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<byte[]> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _sent;
    private long _failed;
    private long _dropped;
    private long _failuresInARow;

    internal NotificationSender(string receiver, Uri url, HttpClient http, Func<TimeSpan> timeout, ILogger logger, TimeProvider time)
    {
        Receiver = receiver;
        _url = url;
        Target = url.GetLeftPart(UriPartial.Authority);
        _http = http;
        _timeout = timeout;
        _logger = logger;
        _time = time;
        _queue = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Dropped("the queue was full"));
        _loop = Task.Run(RunAsync);
    }

    /// <summary>alertmanager or webhook.</summary>
    public string Receiver { get; }

    public Uri Url => _url;

    /// <summary>scheme://host:port only: a webhook URL's path and query may hold a token.</summary>
    public string Target { get; }

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Attempts that failed (a body retried five times and then delivered counts five).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Bodies given up: every attempt failed, or the queue overflowed.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    public void Enqueue(byte[] body) => _queue.Writer.TryWrite(body);

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            await foreach (var body in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await DeliverAsync(body, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Removed or stopping.
        }
    }

    private async Task DeliverAsync(byte[] body, CancellationToken stopping)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var failure = await TryPostAsync(body, stopping).ConfigureAwait(false);
            if (failure is null)
            {
                Interlocked.Increment(ref _sent);
                var failures = Interlocked.Exchange(ref _failuresInARow, 0);
                if (failures > 0)
                {
                    _logger.NotificationRecovered(Receiver, Target, failures);
                }
                return;
            }

            Interlocked.Increment(ref _failed);
            if (Interlocked.Increment(ref _failuresInARow) == 1)
            {
                _logger.NotificationFailed(Receiver, Target, failure);
            }
            if (attempt == MaxAttempts)
            {
                Dropped($"{MaxAttempts} attempts failed, the last: {failure}");
                return;
            }
            await Task.Delay(backoff, _time, stopping).ConfigureAwait(false);
            backoff = backoff * 2 > LongestBackoff ? LongestBackoff : backoff * 2;
        }
    }

    /// <summary>Null when the receiver took the body (2xx); otherwise why not, for the log.</summary>
    private async Task<string?> TryPostAsync(byte[] body, CancellationToken stopping)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bounded.CancelAfter(_timeout());
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using var response = await _http.PostAsync(_url, content, bounded.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return $"no answer within {_timeout().TotalSeconds:0.#} s";
        }
        catch (HttpRequestException ex)
        {
            return ex.HttpRequestError == HttpRequestError.Unknown ? ex.Message : $"{ex.HttpRequestError}: {ex.Message}";
        }
    }

    private void Dropped(string why)
    {
        Interlocked.Increment(ref _dropped);
        _logger.NotificationDropped(Receiver, Target, why);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-delivery.
        }
        _stopping.Dispose();
    }
}
