using CsCheck;

namespace PoolGuard.Tests.Gateway.Relay;

/// <summary>Generated client streams for the property tests: a mix of simple and extended messages, and where to cut it.</summary>
internal static class ClientStreams
{
    private static readonly Gen<byte[]> Message = Gen.OneOf(
        Wire.Query("select 1"), Wire.Parse("", "select 1"), Wire.Bind("", ""), Wire.Describe('S', "s"),
        Wire.Execute(""), Wire.Close('S', "s"), Wire.Flush(), Wire.Sync());

    /// <summary>1 to 30 messages, and up to 8 offsets to cut the stream at (those past its end are ignored).</summary>
    public static readonly Gen<(byte[][] Messages, int[] Offsets)> MixCutAnywhere =
        Gen.Select(Message.Array[1, 30], Gen.Int[0, 400].Array[0, 8]);
}
