using System.Security.Cryptography;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// Server-side names for prepared statements: derived from the query text and parameter types, so
/// every client preparing the same statement shares one server-side statement, whatever name each
/// client gave it; and from the schema changes seen, so a text prepared after one is planned anew.
/// 128 bits of SHA-256 make an accidental clash not a practical concern, and the prefix keeps the
/// names recognisable in pg_prepared_statements.
/// </summary>
internal static class StatementNames
{
    public const string Prefix = "poolguard_";

    /// <summary>A name no statement is ever prepared under: closing it is a no-op that still gets a CloseComplete.</summary>
    public static readonly byte[] NothingZ = "poolguard_none\0"u8.ToArray();

    /// <param name="schemaEpoch">The pool's count of schema changes seen (StatementUsers.SchemaEpoch):
    /// a text prepared after one gets a statement of its own, as it would on PostgreSQL.</param>
    public static string For(ReadOnlySpan<byte> parseRest, long schemaEpoch)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(parseRest, hash);
        var name = Prefix + Convert.ToHexStringLower(hash[..16]);
        return schemaEpoch == 0 ? name : $"{name}_{schemaEpoch}";
    }
}
