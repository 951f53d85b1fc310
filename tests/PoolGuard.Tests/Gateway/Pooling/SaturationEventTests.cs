using PoolGuard.Gateway.Events;

namespace PoolGuard.Tests.Gateway.Pooling;

/// <summary>A pool at its limit empties and refills its queue constantly; its events must tell one story per episode.</summary>
public sealed class SaturationEventTests
{
    [Fact]
    public async Task A_pool_flapping_at_its_limit_reports_one_saturation_and_one_recovery_with_its_numbers()
    {
        var fixture = new PoolSetFixture(c => c with { DefaultPoolSize = 1 });
        var pool = fixture.Pool();
        var server = await fixture.AcquireAsync(pool);

        // 100 rounds of: a client queues, the server is released to it, the queue is empty again.
        for (var i = 0; i < 100; i++)
        {
            var queued = fixture.AcquireAsync(pool);
            fixture.Time.Advance(TimeSpan.FromMilliseconds(i == 50 ? 300 : 2));
            fixture.Pools.Release(server);
            server = await queued;
            fixture.Pools.Maintain(_ => false);
        }
        Assert.Single(fixture.Events.Recent(), e => e.Kind == GatewayEventKind.PoolSaturated);
        Assert.DoesNotContain(fixture.Events.Recent(), e => e.Kind == GatewayEventKind.PoolRecovered);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(999));
        fixture.Pools.Maintain(_ => false);
        Assert.DoesNotContain(fixture.Events.Recent(), e => e.Kind == GatewayEventKind.PoolRecovered);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        fixture.Pools.Maintain(_ => false);
        var recovered = Assert.Single(fixture.Events.Recent(), e => e.Kind == GatewayEventKind.PoolRecovered);
        Assert.Equal("app/alice", recovered.Pool);
        Assert.Equal(1, recovered.Numbers["peak_waiting"]);
        Assert.Equal(300, recovered.Numbers["longest_wait_ms"]);
        Assert.Equal(99 * 2 + 300, recovered.Numbers["saturated_ms"]);
        Assert.Equal(0, recovered.Numbers["wait_timeouts"]);

        // A new episode is reported again.
        var next = fixture.AcquireAsync(pool);
        Assert.Equal(2, fixture.Events.Recent().Count(e => e.Kind == GatewayEventKind.PoolSaturated));
        fixture.Pools.Release(server);
        await next;
    }

    [Fact]
    public void An_event_is_one_json_line_with_snake_case_kind_utc_time_and_numbers()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var e = new GatewayEvent(7, new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.FromHours(2)), GatewayEventKind.PoolSaturated, "app/alice",
            "all 5 of 5 servers busy, \"quoted\"", new Dictionary<string, long> { ["servers_open"] = 5 });

        EventFile.WriteLine(buffer, e);

        var line = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.Equal("{\"seq\":7,\"time\":\"2026-11-24T10:00:00Z\",\"kind\":\"pool_saturated\",\"pool\":\"app/alice\","
            + "\"detail\":\"all 5 of 5 servers busy, \\\"quoted\\\"\",\"numbers\":{\"servers_open\":5}}\n", line);
    }
}
