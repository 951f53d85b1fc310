using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoolGuard.Testing.Certificates;

/// <summary>
/// Throwaway certificates made at test time (ECDSA P-256, valid for a day) and written as PEM files:
/// a CA, and certificates it signs for a server (with host names / IP addresses) or a client.
/// Shared by the unit and integration tests, so both make them the same way.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>A self-signed CA; returns it with its key and the path of its PEM certificate.</summary>
    public (X509Certificate2 Certificate, string File) Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // The authority outlives every certificate it signs (a leaf may not end after its issuer).
        var authority = Own(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2)));
        var file = Path.Combine(Directory, $"{name}.crt");
        File.WriteAllText(file, authority.ExportCertificatePem());
        return (authority, file);
    }

    /// <summary>
    /// A certificate signed by <paramref name="authority"/>, for a server (names are DNS names or IP
    /// addresses in the subject alternative name) or, without names, a client. Returns the PEM cert and key paths.
    /// </summary>
    public (string CertFile, string KeyFile) Signed(X509Certificate2 authority, string name, params string[] hosts)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var usage = hosts.Length > 0 ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"; // serverAuth or clientAuth
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (hosts.Length > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var host in hosts)
            {
                if (IPAddress.TryParse(host, out var address))
                {
                    names.AddIpAddress(address);
                }
                else
                {
                    names.AddDnsName(host);
                }
            }
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var certificate = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        var certFile = Path.Combine(Directory, $"{name}.crt");
        var keyFile = Path.Combine(Directory, $"{name}.key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            // libpq refuses a client key that others can read.
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return (certFile, keyFile);
    }

    private X509Certificate2 Own(X509Certificate2 certificate)
    {
        _owned.Add(certificate);
        return certificate;
    }

    public void Dispose() => _owned.ForEach(o => o.Dispose());
}
