namespace PoolGuard.Gateway.Transactions;

/// <summary>What to do with the server's answer to a request.</summary>
internal enum ResponseAction : byte
{
    /// <summary>The client's own request: its answer goes to the client.</summary>
    Forward,
    /// <summary>The gateway's own request (a Parse made up for a client's Bind, a settings query, an
    /// eviction Close): its answer is dropped, errors included unless the client must hear them.</summary>
    Swallow,
    /// <summary>A Close of nothing sent in place of a client's Parse of a statement the server already
    /// has: its CloseComplete reaches the client as the ParseComplete it expects.</summary>
    AnswerParseComplete,
    /// <summary>A Parse of a name the client already uses, sent so the server fails it (and skips
    /// to the Sync) as PostgreSQL would; the error is reworded with the client's name.</summary>
    ReportDuplicate,
    /// <summary>A Sync sent in place of a client's SQL DEALLOCATE of one of its names: the server's
    /// ReadyForQuery gets the CommandComplete the client expects in front of it.</summary>
    AnswerDeallocate,
}

/// <summary>
/// One request sent to the server whose answer has not fully come back: requests are answered in
/// order, so a FIFO of these tells which server message answers what.
/// </summary>
/// <param name="Statement">The gateway's statement name a Parse creates; for <see cref="ResponseAction.ReportDuplicate"/>, the client's name.</param>
/// <param name="Client">The client's statement a Parse prepares (its own Parse, or one the gateway made up for it).</param>
internal readonly record struct PendingRequest(byte Kind, ResponseAction Action, string? Statement = null, ClientStatement? Client = null);
