namespace PoolGuard.Gateway.SessionCommands;

/// <summary>What a client's reset of its whole session undoes.</summary>
internal enum ResetKind
{
    None,
    /// <summary>DISCARD ALL: settings back to the session's startup values, every prepared statement gone.</summary>
    DiscardAll,
    /// <summary>RESET ALL: settings back to the session's startup values.</summary>
    ResetAll,
    /// <summary>DEALLOCATE [PREPARE] ALL: every prepared statement gone.</summary>
    DeallocateAll,
}

/// <summary>
/// Recognises a simple Query that is one whole-session reset. Drivers send these as a query of
/// their own (Npgsql: DISCARD ALL when a pooled connection is reopened, in the same write as the
/// next command), so the gateway can act on it at its place in the stream: statements prepared
/// after it survive it, and the startup settings PostgreSQL would restore are restored before the
/// next command runs.
/// </summary>
internal static class ResetCommand
{
    public static ResetKind TryParse(ReadOnlySpan<byte> sql)
    {
        var rest = SqlWords.SkipSpace(sql);
        ResetKind kind;
        if (SqlWords.TryKeyword(ref rest, "discard"u8))
        {
            kind = ResetKind.DiscardAll;
        }
        else if (SqlWords.TryKeyword(ref rest, "reset"u8))
        {
            kind = ResetKind.ResetAll;
        }
        else if (SqlWords.TryKeyword(ref rest, "deallocate"u8))
        {
            kind = ResetKind.DeallocateAll;
            var afterPrepare = SqlWords.SkipSpace(rest);
            if (SqlWords.TryKeyword(ref afterPrepare, "prepare"u8))
            {
                rest = afterPrepare;
            }
        }
        else
        {
            return ResetKind.None;
        }
        rest = SqlWords.SkipSpace(rest);
        return SqlWords.TryKeyword(ref rest, "all"u8) && SqlWords.IsEnd(rest) ? kind : ResetKind.None;
    }
}
