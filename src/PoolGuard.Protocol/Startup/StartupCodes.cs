namespace PoolGuard.Protocol.Startup;

/// <summary>The 32-bit codes that open the first packet of a connection.</summary>
public static class StartupCodes
{
    public const int ProtocolVersion3 = 196608;   // 3.0
    public const int CancelRequest = 80877102;
    public const int SslRequest = 80877103;
    public const int GssEncRequest = 80877104;

    /// <summary>PostgreSQL's own limit (MAX_STARTUP_PACKET_LENGTH); anything longer is refused.</summary>
    public const int MaxStartupPacketLength = 10000;
}
