using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using PoolGuard.Config.Model;
using PoolGuard.Config.Tls;

namespace PoolGuard.Gateway.Tls;

/// <summary>
/// One generation of TLS settings and loaded certificates, for both sides: the certificate shown to
/// clients (and the CA their certificates must chain to), and the CA PostgreSQL's certificate must chain
/// to (and the certificate shown to it). Never changed after it is built; a reload builds a new one.
/// </summary>
internal sealed class TlsContext
{
    private readonly SslStreamCertificateContext? _clientFacingCertificate;
    private readonly X509Certificate2Collection? _clientAuthorities;
    private readonly X509Certificate2Collection? _serverAuthorities;
    private readonly X509Certificate2Collection? _certificateForServers;
    private readonly SslProtocols _clientProtocols;
    private readonly SslProtocols _serverProtocols;

    private TlsContext(PoolGuardConfig config)
    {
        ClientMode = config.ClientTlsSslMode;
        ServerMode = config.ServerTlsSslMode;
        ServerCaFile = config.ServerTlsCaFile;
        _clientProtocols = config.ClientTlsProtocols;
        _serverProtocols = config.ServerTlsProtocols;
        if (ClientMode != TlsMode.Disable)
        {
            var certificate = TlsFiles.LoadCertificate(
                config.ClientTlsCertFile ?? throw new TlsFileException("client_tls_cert_file is not set"),
                config.ClientTlsKeyFile ?? throw new TlsFileException("client_tls_key_file is not set"));
            // Intermediates in the certificate file are sent along, so clients that trust only the root verify the chain.
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(config.ClientTlsCertFile);
            _clientFacingCertificate = SslStreamCertificateContext.Create(certificate,
                [.. chain.Where(c => c.Thumbprint != certificate.Thumbprint)], offline: true);
        }

        // The validator reports these when a file is loaded; a configuration built in code gets the same refusal here.
        if (ClientMode >= TlsMode.VerifyCa)
        {
            _clientAuthorities = TlsFiles.LoadCertificateAuthorities(config.ClientTlsCaFile
                ?? throw new TlsFileException($"client_tls_ca_file is not set, and client_tls_sslmode {TlsModes.Text(ClientMode)} needs it"));
        }

        if (ServerMode >= TlsMode.VerifyCa)
        {
            _serverAuthorities = TlsFiles.LoadCertificateAuthorities(config.ServerTlsCaFile
                ?? throw new TlsFileException($"server_tls_ca_file is not set, and server_tls_sslmode {TlsModes.Text(ServerMode)} needs it"));
        }

        if (config.ServerTlsCertFile is { } serverCert && config.ServerTlsKeyFile is { } serverKey && ServerMode != TlsMode.Disable)
        {
            _certificateForServers = [TlsFiles.LoadCertificate(serverCert, serverKey)];
        }
    }

    public TlsMode ClientMode { get; }
    public TlsMode ServerMode { get; }
    public string? ServerCaFile { get; }

    public static TlsContext Load(PoolGuardConfig config) => new(config);

    /// <summary>Options for one client handshake. verify-ca and verify-full ask for a client certificate signed by client_tls_ca_file.</summary>
    public SslServerAuthenticationOptions ClientHandshake()
    {
        var verify = ClientMode >= TlsMode.VerifyCa;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _clientFacingCertificate,
            EnabledSslProtocols = _clientProtocols,
            ClientCertificateRequired = verify,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = verify
                ? (_, certificate, chain, _) => TlsChain.IsSignedBy(certificate, chain, _clientAuthorities!)
                : (_, _, _, _) => true,
        };
    }

    /// <summary>
    /// Options for one handshake with PostgreSQL at <paramref name="host"/>. Below verify-ca the certificate
    /// is not checked (libpq's require does the same); <paramref name="rejection"/> receives why a certificate was refused.
    /// </summary>
    public SslClientAuthenticationOptions ServerHandshake(string host, TlsRejection rejection) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = _serverProtocols,
        ClientCertificates = _certificateForServers,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            if (ServerMode < TlsMode.VerifyCa)
            {
                return true;
            }
            if (!TlsChain.IsSignedBy(certificate, chain, _serverAuthorities!))
            {
                rejection.Reason = $"its certificate is not signed by a CA in server_tls_ca_file '{ServerCaFile}'";
                return false;
            }
            if (ServerMode == TlsMode.VerifyFull && !(certificate is X509Certificate2 named && named.MatchesHostname(host)))
            {
                rejection.Reason = $"its certificate does not name the host \"{host}\" (server_tls_sslmode verify-full checks the database entry's host)";
                return false;
            }
            return true;
        },
    };
}

/// <summary>Why a handshake's certificate check said no; SslStream itself only says "rejected".</summary>
internal sealed class TlsRejection
{
    public string? Reason { get; set; }
}
