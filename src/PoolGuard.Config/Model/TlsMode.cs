namespace PoolGuard.Config.Model;

/// <summary>
/// How much TLS a side of the gateway insists on; PgBouncer's client_tls_sslmode / server_tls_sslmode
/// values, which are libpq's sslmode values. Ordered from weakest to strongest.
/// </summary>
public enum TlsMode
{
    /// <summary>No TLS: SSLRequest is answered 'N' (clients) or never sent (servers).</summary>
    Disable,
    /// <summary>TLS when the other side asks for it (clients) or offers it (servers); no certificate check.</summary>
    Allow,
    /// <summary>As <see cref="Allow"/>; kept separate because it is what people write.</summary>
    Prefer,
    /// <summary>TLS or nothing; the certificate is not checked.</summary>
    Require,
    /// <summary>TLS with a certificate signed by the configured CA.</summary>
    VerifyCa,
    /// <summary>As <see cref="VerifyCa"/>, and towards servers the certificate must name the database entry's host.</summary>
    VerifyFull,
}
