using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoolGuard.Config.Tls;

/// <summary>
/// Reads the PEM files the TLS settings name. Shared by the validator (so a bad file is a configuration
/// error at load time, naming the key) and the gateway (which loads them for real, again on reload), so
/// both agree on what a usable file is. Failures are <see cref="TlsFileException"/> with a reason that
/// names the file and never contains key material.
/// </summary>
public static class TlsFiles
{
    /// <summary>A certificate with its private key, from a PEM certificate (chain) file and a PEM key file.</summary>
    public static X509Certificate2 LoadCertificate(string certFile, string keyFile)
    {
        RequireFile(certFile);
        RequireFile(keyFile);
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new TlsFileException($"'{keyFile}' holds no private key for the certificate in '{certFile}'");
            }

            return certificate;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new TlsFileException($"'{certFile}' with key '{keyFile}' cannot be used: {ex.Message} (expected a PEM certificate and its unencrypted PEM private key)");
        }
    }

    /// <summary>Every certificate in a PEM CA file; at least one.</summary>
    public static X509Certificate2Collection LoadCertificateAuthorities(string caFile)
    {
        RequireFile(caFile);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (CryptographicException ex)
        {
            throw new TlsFileException($"'{caFile}' cannot be read as PEM certificates: {ex.Message}");
        }

        if (authorities.Count == 0)
        {
            throw new TlsFileException($"'{caFile}' holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }

        return authorities;
    }

    private static void RequireFile(string file)
    {
        try
        {
            using var _ = File.OpenRead(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TlsFileException(ex is FileNotFoundException or DirectoryNotFoundException
                ? $"'{file}' not found"
                : $"'{file}' cannot be read: {ex.Message}");
        }
    }
}

/// <summary>A TLS certificate, key or CA file cannot be used; the message names the file and why.</summary>
public sealed class TlsFileException(string message) : Exception(message);
