namespace PoolGuard.Gateway.Relay;

/// <summary>
/// Told by the session-mode server pump at each ReadyForQuery that leaves the session idle,
/// outside a transaction, with nothing unanswered: the one point where a drain may end it.
/// </summary>
internal interface ISessionIdleListener
{
    void OnSessionIdle();
}
