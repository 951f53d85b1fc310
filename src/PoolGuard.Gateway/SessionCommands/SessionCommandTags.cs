namespace PoolGuard.Gateway.SessionCommands;

/// <summary>
/// The CommandComplete tags after which a server's session is not what the client left it (SET,
/// RESET, DISCARD ALL, DEALLOCATE ALL). Their lengths are checked first, from the header alone, so
/// every other CommandComplete costs the transaction-mode server pump one comparison.
/// </summary>
internal static class SessionCommandTags
{
    public static ReadOnlySpan<byte> Set => "SET\0"u8;
    public static ReadOnlySpan<byte> Reset => "RESET\0"u8;
    public static ReadOnlySpan<byte> DiscardAll => "DISCARD ALL\0"u8;
    public static ReadOnlySpan<byte> DeallocateAll => "DEALLOCATE ALL\0"u8;

    // The body lengths of the tags above (NUL included), as constants a pattern can use.
    private const int SetLength = 4;
    private const int ResetLength = 6;
    private const int DiscardAllLength = 12;
    private const int DeallocateAllLength = 15;

    /// <summary>The longest of them: a stack buffer this size holds any tag worth comparing.</summary>
    public const int MaxLength = DeallocateAllLength;

    /// <summary>True when a CommandComplete body of this length may be one of the tags.</summary>
    public static bool MayBe(int bodyLength) => bodyLength is SetLength or ResetLength or DiscardAllLength or DeallocateAllLength;
}
