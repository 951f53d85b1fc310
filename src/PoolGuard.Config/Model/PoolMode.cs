namespace PoolGuard.Config.Model;

/// <summary>When a server connection goes back to its pool.</summary>
public enum PoolMode
{
    /// <summary>At client disconnect (after server_reset_query).</summary>
    Session,
    /// <summary>At the end of each transaction (ReadyForQuery 'I').</summary>
    Transaction,
    /// <summary>After every statement; multi-statement transactions are refused.</summary>
    Statement,
}
