using PoolGuard.Gateway.Transactions;

namespace PoolGuard.Tests.Gateway.Transactions;

public sealed class RequestQueueTests
{
    [Fact]
    public void Requests_come_out_in_the_order_they_went_in_across_growth_and_wrap_around()
    {
        var queue = new RequestQueue();
        var next = 0;
        var expected = 0;
        // Interleave so the ring wraps before it grows, then grows while wrapped.
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < round % 13 + 1; i++)
            {
                queue.Enqueue(new PendingRequest((byte)'P', ResponseAction.Forward, (next++).ToString()));
            }
            for (var i = 0; i < round % 7 && queue.Count > 0; i++)
            {
                Assert.Equal((expected++).ToString(), queue.Dequeue().Statement);
            }
        }
        while (queue.Count > 0)
        {
            Assert.Equal((expected++).ToString(), queue.Dequeue().Statement);
        }
        Assert.Equal(next, expected);
        Assert.False(queue.TryPeek(out _));
        Assert.Throws<InvalidOperationException>(() => queue.Dequeue());
    }

    [Fact]
    public void Peek_shows_the_oldest_request_without_removing_it()
    {
        var queue = new RequestQueue();
        queue.Enqueue(new PendingRequest((byte)'Q', ResponseAction.Swallow));
        queue.Enqueue(new PendingRequest((byte)'S', ResponseAction.Forward));
        Assert.True(queue.TryPeek(out var head));
        Assert.Equal((byte)'Q', head.Kind);
        Assert.Equal(2, queue.Count);
        queue.Clear();
        Assert.Equal(0, queue.Count);
    }
}
