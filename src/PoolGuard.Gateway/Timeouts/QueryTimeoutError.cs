using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Timeouts;

/// <summary>
/// What clients are told when the gateway's deadlines end their work, in place of PostgreSQL's
/// "canceling statement due to user request", so the setting to look at is in the message.
/// </summary>
internal static class QueryTimeoutError
{
    public static PgError For(TimeSpan timeout) => PgError.Error(SqlState.QueryCanceled,
        $"canceling statement due to query_timeout ({timeout.TotalSeconds:0.###} s)",
        "the query ran longer than PoolGuard's query_timeout; make it faster or raise query_timeout");

    public static PgError Idle(TimeoutKind kind, TimeSpan timeout) => kind == TimeoutKind.IdleInTransaction
        ? PgError.Fatal(SqlState.IdleInTransactionSessionTimeout,
            $"terminating connection due to idle_transaction_timeout ({timeout.TotalSeconds:0.###} s): the transaction was rolled back",
            "a client idle inside a transaction holds a server others are waiting for; commit or roll back promptly")
        : PgError.Fatal(SqlState.IdleSessionTimeout,
            $"terminating connection due to client_idle_timeout ({timeout.TotalSeconds:0.###} s)",
            "reconnect; raise client_idle_timeout if clients are meant to idle this long");
}
