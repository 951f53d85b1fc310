using Microsoft.Extensions.Time.Testing;
using PoolGuard.Gateway.Events;

namespace PoolGuard.Tests.Gateway.Pooling;

/// <summary>Refusals as episodes: one event when they start, one with the count when a quiet second ends them.</summary>
public sealed class RefusalEpisodeTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T14:02:11Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly EventLog _events;
    private readonly RefusalEpisodes _refusals;

    public RefusalEpisodeTests()
    {
        _events = new EventLog(_time);
        _refusals = new RefusalEpisodes(_events, _time);
    }

    private static readonly Dictionary<string, long> Numbers = new() { ["max_client_conn"] = 100 };

    private IReadOnlyList<GatewayEvent> Events(GatewayEventKind kind) => [.. _events.Recent().Where(e => e.Kind == kind)];

    [Fact]
    public void A_surge_is_one_client_refused_at_once_and_one_refusals_ended_after_a_quiet_second()
    {
        Assert.True(_refusals.Refused(null, "max_client_conn", "max_client_conn (100) reached", Numbers));
        for (var i = 0; i < 499; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            Assert.False(_refusals.Refused(null, "max_client_conn", "max_client_conn (100) reached", Numbers));
            _refusals.EndQuiet(); // the upkeep runs meanwhile: never quiet long enough
        }
        Assert.Single(Events(GatewayEventKind.ClientRefused));
        Assert.Empty(Events(GatewayEventKind.RefusalsEnded));

        _time.Advance(RefusalEpisodes.QuietPeriod - TimeSpan.FromMilliseconds(1));
        _refusals.EndQuiet();
        Assert.Empty(Events(GatewayEventKind.RefusalsEnded));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _refusals.EndQuiet();

        var ended = Assert.Single(Events(GatewayEventKind.RefusalsEnded));
        Assert.Null(ended.Pool);
        Assert.Equal(500, ended.Numbers["refused"]);
        Assert.Equal(4990, ended.Numbers["refusing_ms"]);
        Assert.Equal(500, ended.Numbers["refused_max_client_conn"]);
        Assert.Equal("500 client(s) refused from 14:02:11.000Z to 14:02:15.990Z (max_client_conn 500); none since", ended.Detail);
    }

    [Fact]
    public void Pools_have_their_own_episodes_and_a_new_surge_starts_a_new_one()
    {
        _refusals.Refused("app/app_user", "max_waiting_clients", "wait queue full", Numbers);
        _refusals.Refused("report/app_user", "max_waiting_clients", "wait queue full", Numbers);
        _refusals.Refused("app/app_user", "max_waiting_clients", "wait queue full", Numbers);
        Assert.Equal(["app/app_user", "report/app_user"], Events(GatewayEventKind.ClientRefused).Select(e => e.Pool));

        _time.Advance(TimeSpan.FromSeconds(2));
        _refusals.EndQuiet();
        Assert.Equal([2L, 1L], Events(GatewayEventKind.RefusalsEnded).OrderBy(e => e.Pool).Select(e => e.Numbers["refused"]));

        Assert.True(_refusals.Refused("app/app_user", "max_waiting_clients", "wait queue full", Numbers));
        Assert.Equal(3, Events(GatewayEventKind.ClientRefused).Count);
        Assert.Equal([("app/app_user", "max_waiting_clients", 3L), ("report/app_user", "max_waiting_clients", 1L)], _refusals.Totals());
    }
}
