using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using PoolGuard.Gateway.Transport;

namespace PoolGuard.Tests.Gateway.Transport;

/// <summary>The socket reader over a real loopback TCP connection, one test each for the PipeReader rules the relay relies on.</summary>
public sealed class SocketPipeReaderTests : IAsyncLifetime
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);
    private Socket _near = null!;
    private Socket _far = null!;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _far = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await _far.ConnectAsync(listener.LocalEndPoint!);
        _near = await listener.AcceptAsync();
    }

    public Task DisposeAsync()
    {
        _near.Dispose();
        _far.Dispose();
        return Task.CompletedTask;
    }

    private Task SendAsync(params byte[] bytes) => _far.SendAsync(bytes, SocketFlags.None);

    private static async Task<ReadResult> ReadAsync(PipeReader reader) => await reader.ReadAsync().AsTask().WaitAsync(Bounded);

    /// <summary>Reads, examining without consuming, until <paramref name="enough"/> says so (TCP may split what was sent).</summary>
    private static async Task<ReadResult> ReadUntilAsync(PipeReader reader, Func<ReadResult, bool> enough)
    {
        var result = await ReadAsync(reader);
        while (!enough(result))
        {
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await ReadAsync(reader);
        }
        return result;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bytes_arrive_in_order_and_consumed_bytes_are_not_seen_again(bool isClient)
    {
        var reader = new SocketPipeReader(_near, isClient);
        await SendAsync(1, 2, 3, 4);
        var first = await ReadAsync(reader);
        Assert.Equal([1, 2, 3, 4], first.Buffer.ToArray());
        reader.AdvanceTo(first.Buffer.GetPosition(3));

        await SendAsync(5);
        var second = await ReadUntilAsync(reader, r => r.Buffer.Length >= 2);
        Assert.Equal([4, 5], second.Buffer.ToArray());
        reader.AdvanceTo(second.Buffer.End);
    }

    [Fact]
    public async Task A_read_waits_for_bytes_beyond_what_was_examined_but_not_for_unexamined_ones()
    {
        var reader = new SocketPipeReader(_near, isClient: true);
        await SendAsync(1, 2);
        var result = await ReadAsync(reader);

        // Looked at but not consumed: the same bytes come back at once.
        reader.AdvanceTo(result.Buffer.Start);
        Assert.True(reader.TryRead(out var again));
        Assert.Equal(2, again.Buffer.Length);

        // Examined to the end: the next read waits until more arrives, then returns all of it.
        reader.AdvanceTo(again.Buffer.Start, again.Buffer.End);
        var waiting = reader.ReadAsync();
        Assert.False(waiting.IsCompleted);
        await SendAsync(3);
        var more = await waiting.AsTask().WaitAsync(Bounded);
        Assert.Equal([1, 2, 3], more.Buffer.ToArray());
        reader.AdvanceTo(more.Buffer.End);
    }

    [Fact]
    public async Task An_idle_client_reader_holds_only_its_small_buffer_and_a_big_message_borrows_one_until_consumed()
    {
        var reader = new SocketPipeReader(_near, isClient: true);
        var waiting = reader.ReadAsync();
        Assert.False(reader.HoldsPooledBuffer);

        await SendAsync(7);
        var small = await waiting.AsTask().WaitAsync(Bounded);
        Assert.Equal([7], small.Buffer.ToArray());
        Assert.False(reader.HoldsPooledBuffer);
        reader.AdvanceTo(small.Buffer.End);

        // 1,000 bytes do not fit in 128: the rest arrives in a rented buffer, which goes back once consumed.
        var big = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await SendAsync(big);
        var whole = await ReadUntilAsync(reader, r => r.Buffer.Length >= big.Length);
        Assert.Equal(big, whole.Buffer.ToArray());
        Assert.True(reader.HoldsPooledBuffer);
        reader.AdvanceTo(whole.Buffer.End);
        Assert.False(reader.HoldsPooledBuffer);
    }

    [Fact]
    public async Task A_client_streaming_more_than_its_small_buffer_reads_it_all_in_order()
    {
        var reader = new SocketPipeReader(_near, isClient: true);
        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        var sending = _far.SendAsync(payload, SocketFlags.None);
        var received = new List<byte>(payload.Length);
        var reads = 0;
        while (received.Count < payload.Length)
        {
            var result = await ReadAsync(reader);
            received.AddRange(result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            reads++;
        }
        await sending;
        Assert.Equal(payload, received.ToArray());
        // Consumed as it arrives (as the relay does): a 128-byte buffer throughout would take 2,344 reads.
        Assert.True(reads < 600, $"{reads} reads for 300,000 bytes");
    }

    [Fact]
    public async Task A_message_larger_than_the_buffer_can_be_read_whole_when_nothing_is_consumed()
    {
        var reader = new SocketPipeReader(_near, isClient: false);
        var payload = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var sending = _far.SendAsync(payload, SocketFlags.None);
        var result = await ReadUntilAsync(reader, r => r.Buffer.Length >= payload.Length);
        await sending;
        Assert.Equal(payload, result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task CancelPendingRead_answers_a_waiting_read_and_bytes_that_arrive_later_are_not_lost()
    {
        var reader = new SocketPipeReader(_near, isClient: true);
        var waiting = reader.ReadAsync();
        reader.CancelPendingRead();
        var cancelled = await waiting.AsTask().WaitAsync(Bounded);
        Assert.True(cancelled.IsCanceled);
        reader.AdvanceTo(cancelled.Buffer.Start);

        await SendAsync(9, 8);
        var next = await ReadUntilAsync(reader, r => r.Buffer.Length >= 2);
        Assert.False(next.IsCanceled);
        Assert.Equal([9, 8], next.Buffer.ToArray());
        reader.AdvanceTo(next.Buffer.End);
    }

    [Fact]
    public async Task CancelPendingRead_with_no_read_waiting_cancels_the_next_read_only()
    {
        var reader = new SocketPipeReader(_near, isClient: true);
        reader.CancelPendingRead();
        var cancelled = await ReadAsync(reader);
        Assert.True(cancelled.IsCanceled);
        reader.AdvanceTo(cancelled.Buffer.Start);

        await SendAsync(1);
        var next = await ReadAsync(reader);
        Assert.False(next.IsCanceled);
        reader.AdvanceTo(next.Buffer.End);
    }

    [Fact]
    public async Task A_cancelled_token_throws_and_the_reader_keeps_working()
    {
        var reader = new SocketPipeReader(_near, isClient: false);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(cts.Token));

        await SendAsync(4, 2);
        var next = await ReadUntilAsync(reader, r => r.Buffer.Length >= 2);
        Assert.Equal([4, 2], next.Buffer.ToArray());
        reader.AdvanceTo(next.Buffer.End);
    }

    [Fact]
    public async Task The_peer_closing_completes_the_reader_after_its_last_bytes()
    {
        var reader = new SocketPipeReader(_near, isClient: true);
        await SendAsync(1);
        _far.Shutdown(SocketShutdown.Send);
        var result = await ReadUntilAsync(reader, r => r.IsCompleted);
        Assert.Equal([1], result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public async Task A_reset_connection_surfaces_as_an_IOException_as_from_a_NetworkStream()
    {
        var reader = new SocketPipeReader(_near, isClient: false);
        var waiting = reader.ReadAsync();
        _far.LingerState = new LingerOption(true, 0); // close with RST
        _far.Close();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var result = await waiting.AsTask().WaitAsync(Bounded);
            while (!result.IsCompleted)
            {
                reader.AdvanceTo(result.Buffer.End);
                result = await ReadAsync(reader);
            }
            throw new InvalidOperationException("reset reported as a clean end");
        });
        Assert.IsType<IOException>(error);
    }

    [Fact]
    public async Task Completing_the_reader_while_a_read_waits_then_closing_the_socket_ends_that_read()
    {
        var reader = new SocketPipeReader(_near, isClient: true);
        var waiting = reader.ReadAsync();
        reader.Complete();
        _near.Dispose();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await waiting.AsTask().WaitAsync(Bounded));
        // What the relay treats as the source having closed; a timeout here would mean a read left hanging.
        Assert.True(error is IOException or ObjectDisposedException, error.ToString());
        Assert.Throws<ObjectDisposedException>(() => reader.ReadAsync());
    }
}
