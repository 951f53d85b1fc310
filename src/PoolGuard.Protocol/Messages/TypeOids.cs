namespace PoolGuard.Protocol.Messages;

/// <summary>PostgreSQL type OIDs (pg_type.oid) the gateway's own result sets use, with their sizes.</summary>
public static class TypeOids
{
    public const int Bytea = 17;
    public const int Int8 = 20;
    public const int Int4 = 23;
    public const int Text = 25;
    public const int Numeric = 1700;

    /// <summary>pg_type.typlen: the fixed size in bytes, or -1 for variable-length types.</summary>
    public static short SizeOf(int oid) => oid switch
    {
        Int8 => 8,
        Int4 => 4,
        _ => -1,
    };
}
