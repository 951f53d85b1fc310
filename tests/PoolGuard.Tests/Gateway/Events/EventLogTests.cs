using Microsoft.Extensions.Time.Testing;
using PoolGuard.Gateway.Events;

namespace PoolGuard.Tests.Gateway.Events;

/// <summary>Reading the ring from a sequence number: what a poller (the HTTP API, the alert engine) gets each time.</summary>
public sealed class EventLogTests
{
    private readonly EventLog _events = new(new FakeTimeProvider(), capacity: 8);

    private void Publish(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _events.Publish(GatewayEventKind.Started, null, $"event {i}");
        }
    }

    [Fact]
    public void Since_returns_only_newer_events_oldest_first()
    {
        Publish(5);
        Assert.Equal([4L, 5L], _events.Since(3).Select(e => e.Sequence));
        Assert.Empty(_events.Since(5));
        Assert.Empty(_events.Since(99));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], _events.Recent().Select(e => e.Sequence));
    }

    [Fact]
    public void After_the_ring_wrapped_a_poller_that_fell_behind_gets_what_is_left_and_sees_the_gap()
    {
        Publish(20);
        Assert.Equal([13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L], _events.Since(2).Select(e => e.Sequence));
        Assert.Equal([19L, 20L], _events.Since(18).Select(e => e.Sequence));
        Assert.Equal(8, _events.Recent().Count);
    }
}
