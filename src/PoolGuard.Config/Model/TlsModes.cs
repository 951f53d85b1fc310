namespace PoolGuard.Config.Model;

/// <summary>How a <see cref="TlsMode"/> is written in files and messages: libpq's spelling.</summary>
public static class TlsModes
{
    public static string Text(TlsMode mode) => mode switch
    {
        TlsMode.VerifyCa => "verify-ca",
        TlsMode.VerifyFull => "verify-full",
        _ => mode.ToString().ToLowerInvariant(),
    };
}
