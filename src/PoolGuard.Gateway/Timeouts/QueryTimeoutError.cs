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

    /// <summary>What a client is told when one of its deadlines ends the session.</summary>
    public static PgError Ended(TimeoutKind kind, TimeSpan timeout) => kind switch
    {
        TimeoutKind.QueryUnanswered => PgError.Fatal(SqlState.QueryCanceled,
            $"terminating connection due to query_timeout: PostgreSQL did not answer the cancel within {timeout.TotalSeconds:0.###} s, so its connection was closed",
            "the server is unreachable or frozen; the transaction is rolled back unless its COMMIT had already reached PostgreSQL"),
        _ => Idle(kind, timeout),
    };

    private static PgError Idle(TimeoutKind kind, TimeSpan timeout) => kind == TimeoutKind.IdleInTransaction
        ? PgError.Fatal(SqlState.IdleInTransactionSessionTimeout,
            $"terminating connection due to idle_transaction_timeout ({timeout.TotalSeconds:0.###} s): the transaction was rolled back",
            "a client idle inside a transaction holds a server others are waiting for; commit or roll back promptly")
        : PgError.Fatal(SqlState.IdleSessionTimeout,
            $"terminating connection due to client_idle_timeout ({timeout.TotalSeconds:0.###} s)",
            "reconnect; raise client_idle_timeout if clients are meant to idle this long");
}
