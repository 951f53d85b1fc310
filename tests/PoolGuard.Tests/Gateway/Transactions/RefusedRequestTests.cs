using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using PoolGuard.Gateway.Transactions;

namespace PoolGuard.Tests.Gateway.Transactions;

/// <summary>
/// A refused request is dropped exactly to its end, however the client's bytes are split into
/// reads: what follows it (the next request) is never eaten, and the end is reported once.
/// </summary>
public sealed class RefusedRequestTests
{
    private static byte[] Message(char type, string? text = null)
    {
        var body = text is null ? [] : Encoding.UTF8.GetBytes(text + "\0");
        var message = new byte[5 + body.Length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), body.Length + 4);
        body.CopyTo(message, 5);
        return message;
    }

    private static readonly byte[] Batch = [.. Message('P', "select 1"), .. Message('B', "x"), .. Message('E', "y"), .. Message('S')];
    private static readonly byte[] SimpleQuery = Message('Q', "select 'refused'");
    private static readonly byte[] Next = Message('Q', "select 'next'");

    /// <summary>Feeds <paramref name="stream"/> in reads of <paramref name="chunk"/> bytes, as the pump would (unconsumed bytes come back first).</summary>
    private static (long Dropped, int Ends) DropIn(byte[] stream, int chunk)
    {
        var refused = new RefusedRequest();
        refused.Begin();
        long at = 0, dropped = 0;
        var ends = 0;
        var available = 0;
        while (refused.Active && available < stream.Length)
        {
            available = Math.Min(stream.Length, available + chunk);
            var used = refused.Drop(new ReadOnlySequence<byte>(stream, (int)at, available - (int)at), out var ended);
            at += used;
            dropped += used;
            ends += ended ? 1 : 0;
        }
        return (dropped, ends);
    }

    [Fact]
    public void An_extended_batch_is_dropped_up_to_and_including_its_Sync_at_every_split()
    {
        byte[] stream = [.. Batch, .. Next];
        for (var chunk = 1; chunk <= stream.Length; chunk++)
        {
            Assert.Equal((Batch.Length, 1), DropIn(stream, chunk));
        }
    }

    [Fact]
    public void A_simple_query_is_dropped_alone_at_every_split()
    {
        byte[] stream = [.. SimpleQuery, .. Next];
        for (var chunk = 1; chunk <= stream.Length; chunk++)
        {
            Assert.Equal((SimpleQuery.Length, 1), DropIn(stream, chunk));
        }
    }

    [Fact]
    public void A_query_inside_a_refused_batch_is_dropped_with_it_as_PostgreSQL_ignores_it_until_the_Sync()
    {
        byte[] batch = [.. Message('P', "select 1"), .. SimpleQuery, .. Message('S')];
        Assert.Equal((batch.Length, 1), DropIn([.. batch, .. Next], 7));
    }

    [Fact]
    public void A_Terminate_ends_the_refusal_unanswered_and_is_left_for_the_pump()
    {
        var partial = Message('P', "select 1");
        Assert.Equal((partial.Length, 0), DropIn([.. partial, .. Message('X')], 3));
    }

    [Fact]
    public void An_invalid_header_is_a_protocol_violation()
    {
        var refused = new RefusedRequest();
        refused.Begin();
        Assert.Equal(0, refused.Drop(new ReadOnlySequence<byte>([(byte)'Q', 0, 0, 0, 2]), out var ended));
        Assert.False(ended);
        Assert.NotNull(refused.Violation);
        Assert.False(refused.Active);
    }
}
