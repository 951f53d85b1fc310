using System.Security.Authentication;

namespace PoolGuard.Config.Model;

/// <summary>The TLS versions PoolGuard can be told to offer. 1.0 and 1.1 are broken and not on the list.</summary>
public static class TlsProtocols
{
    /// <summary>PgBouncer's "secure": TLS 1.2 and 1.3.</summary>
    public const SslProtocols Secure = SslProtocols.Tls12 | SslProtocols.Tls13;
}
