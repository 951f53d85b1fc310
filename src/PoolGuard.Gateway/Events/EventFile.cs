using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace PoolGuard.Gateway.Events;

/// <summary>
/// Appends events to a JSON-lines file (one object per line, UTF-8), the record incident timelines
/// are drafted from. Publishing only queues: a slow or full disk must never stall a pool, so the
/// queue is bounded and, when it overflows, the newest events are counted as lost and the loss is
/// written as its own line once the writer catches up. A write error is reported once and the
/// writer keeps trying with later events.
/// </summary>
internal sealed class EventFile : IAsyncDisposable
{
    private const int QueueCapacity = 10_000;
    private static readonly JsonWriterOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Channel<GatewayEvent> _queue = Channel.CreateBounded<GatewayEvent>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly FileStream _stream;
    private readonly Action<string> _reportError;
    private readonly Task _writer;
    private long _lost;

    private EventFile(FileStream stream, Action<string> reportError)
    {
        _stream = stream;
        _reportError = reportError;
        _writer = WriteLoopAsync();
    }

    public string Path => _stream.Name;

    /// <summary>Opens (creating if need be) <paramref name="path"/> for appending; throws IOException/UnauthorizedAccessException with the reason.</summary>
    public static EventFile Open(string path, Action<string> reportError)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 16 * 1024, useAsync: true);
        return new EventFile(stream, reportError);
    }

    public void Append(GatewayEvent e)
    {
        if (!_queue.Writer.TryWrite(e))
        {
            Interlocked.Increment(ref _lost);
        }
    }

    private async Task WriteLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var failed = false;
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            buffer.ResetWrittenCount();
            while (_queue.Reader.TryRead(out var e))
            {
                WriteLine(buffer, e);
            }
            if (Interlocked.Exchange(ref _lost, 0) is var lost and > 0)
            {
                WriteLine(buffer, new GatewayEvent(0, DateTimeOffset.UtcNow, GatewayEventKind.EventsLost, null,
                    $"{lost} events were not written: the event file fell behind", new Dictionary<string, long> { ["lost"] = lost }));
            }
            try
            {
                await _stream.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
                failed = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (!failed)
                {
                    _reportError($"cannot write the event log file {_stream.Name}: {ex.Message}");
                }
                failed = true;
            }
        }
    }

    /// <summary>One event as one line: {"seq":1,"time":"…Z","kind":"pool_saturated","pool":"app/alice","detail":"…","numbers":{…}}.</summary>
    public static void WriteLine(IBufferWriter<byte> output, GatewayEvent e)
    {
        using (var json = new Utf8JsonWriter(output, s_json))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", e.Sequence);
            json.WriteString("time", e.Time.UtcDateTime);
            json.WriteString("kind", EventKindNames.Of(e.Kind));
            if (e.Pool is null)
            {
                json.WriteNull("pool");
            }
            else
            {
                json.WriteString("pool", e.Pool);
            }
            json.WriteString("detail", e.Detail);
            json.WriteStartObject("numbers");
            foreach (var (name, value) in e.Numbers)
            {
                json.WriteNumber(name, value);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        output.Write("\n"u8);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
