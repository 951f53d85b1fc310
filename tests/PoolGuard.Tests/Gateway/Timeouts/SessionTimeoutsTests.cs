using Microsoft.Extensions.Time.Testing;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Timeouts;

namespace PoolGuard.Tests.Gateway.Timeouts;

public sealed class SessionTimeoutsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<TimeoutKind> _expired = [];

    private SessionTimeouts Create(int query = 0, int idleInTransaction = 0, int clientIdle = 0) =>
        SessionTimeouts.Create(new PoolGuardConfig
        {
            QueryTimeout = TimeSpan.FromSeconds(query),
            IdleTransactionTimeout = TimeSpan.FromSeconds(idleInTransaction),
            ClientIdleTimeout = TimeSpan.FromSeconds(clientIdle),
        }, _time, _expired.Add)!;

    [Fact]
    public void No_timeout_configured_means_no_timer_at_all() =>
        Assert.Null(SessionTimeouts.Create(new PoolGuardConfig(), _time, _ => { }));

    [Fact]
    public void A_query_unanswered_past_query_timeout_expires_once_and_its_error_is_marked()
    {
        using var timeouts = Create(query: 5);
        timeouts.OnClientData(requestsPending: true);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(_expired);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal([TimeoutKind.Query], _expired);
        Assert.True(timeouts.TakeQueryCancelled());
        Assert.False(timeouts.TakeQueryCancelled());
    }

    [Fact]
    public void A_cancel_unanswered_for_the_grace_gives_the_server_up()
    {
        using var timeouts = Create(query: 5);
        timeouts.OnClientData(requestsPending: true);
        _time.Advance(TimeSpan.FromSeconds(5.1));
        Assert.Equal([TimeoutKind.Query], _expired);
        timeouts.OnClientData(requestsPending: true); // a pipelined request does not extend the grace either
        _time.Advance(SessionTimeouts.CancelGrace - TimeSpan.FromSeconds(0.2));
        Assert.Equal([TimeoutKind.Query], _expired);
        _time.Advance(TimeSpan.FromSeconds(0.3));
        Assert.Equal([TimeoutKind.Query, TimeoutKind.QueryUnanswered], _expired);
    }

    [Fact]
    public void A_cancel_answered_within_the_grace_keeps_the_server_and_arms_the_idle_deadline()
    {
        using var timeouts = Create(query: 5, clientIdle: 30);
        timeouts.OnClientData(requestsPending: true);
        _time.Advance(TimeSpan.FromSeconds(5.1));
        timeouts.OnReadyForQuery((byte)'I', requestsPending: false);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal([TimeoutKind.Query], _expired);
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal([TimeoutKind.Query, TimeoutKind.ClientIdle], _expired);
    }

    [Fact]
    public void A_pipelined_request_does_not_extend_the_running_one()
    {
        using var timeouts = Create(query: 5);
        timeouts.OnClientData(requestsPending: true);
        _time.Advance(TimeSpan.FromSeconds(3));
        timeouts.OnClientData(requestsPending: true);
        _time.Advance(TimeSpan.FromSeconds(2.1));
        Assert.Equal([TimeoutKind.Query], _expired);
    }

    [Fact]
    public void An_answer_in_time_disarms_the_query_deadline_and_arms_the_idle_one_that_fits()
    {
        using var timeouts = Create(query: 5, idleInTransaction: 10, clientIdle: 30);
        timeouts.OnClientData(requestsPending: true);
        _time.Advance(TimeSpan.FromSeconds(4));
        timeouts.OnReadyForQuery((byte)'T', requestsPending: false);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(_expired);
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal([TimeoutKind.IdleInTransaction], _expired);
    }

    [Fact]
    public void Client_activity_ends_the_idle_deadline()
    {
        using var timeouts = Create(clientIdle: 10);
        timeouts.OnReadyForQuery((byte)'I', requestsPending: false);
        _time.Advance(TimeSpan.FromSeconds(9));
        timeouts.OnClientData(requestsPending: true); // query_timeout is off: nothing armed
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(_expired);
        timeouts.OnReadyForQuery((byte)'I', requestsPending: false);
        _time.Advance(TimeSpan.FromSeconds(10.1));
        Assert.Equal([TimeoutKind.ClientIdle], _expired);
    }
}
