using System.Security.Cryptography.X509Certificates;

namespace PoolGuard.Gateway.Tls;

/// <summary>Certificate chain checks against a CA file, not the machine's trust store.</summary>
internal static class TlsChain
{
    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of <paramref name="authorities"/>. Intermediates
    /// the peer sent are used to build the chain; only the CA file is trusted, as with libpq's sslrootcert.
    /// Revocation is not checked: there is no CRL setting, and a handshake must not wait on the network.
    /// </summary>
    public static bool IsSignedBy(X509Certificate? certificate, X509Chain? presented, X509Certificate2Collection authorities)
    {
        if (certificate is not X509Certificate2 leaf)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }
}
