namespace PoolGuard.Protocol.Messages;

/// <summary>Type bytes of messages a client sends after startup (PostgreSQL protocol 3.0).</summary>
public static class FrontendMessage
{
    public const byte Bind = (byte)'B';
    public const byte Close = (byte)'C';
    public const byte CopyData = (byte)'d';
    public const byte CopyDone = (byte)'c';
    public const byte CopyFail = (byte)'f';
    public const byte Describe = (byte)'D';
    public const byte Execute = (byte)'E';
    public const byte Flush = (byte)'H';
    public const byte FunctionCall = (byte)'F';
    public const byte Parse = (byte)'P';
    /// <summary>PasswordMessage, SASLInitialResponse and SASLResponse share this byte.</summary>
    public const byte Password = (byte)'p';
    public const byte Query = (byte)'Q';
    public const byte Sync = (byte)'S';
    public const byte Terminate = (byte)'X';

    // A 256-entry table so the relay validates a type byte with one load instead of a switch.
    private static readonly bool[] s_valid = BuildValid();

    /// <summary>True for every type a client may send once logged in ('p' is login-only).</summary>
    public static bool IsValidAfterLogin(byte type) => s_valid[type];

    private static bool[] BuildValid()
    {
        var valid = new bool[256];
        foreach (var b in "BCdcfDEHFPQSX"u8)
        {
            valid[b] = true;
        }
        return valid;
    }
}
