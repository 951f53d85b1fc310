using PoolGuard.Config.Model;
using PoolGuard.Config.Tls;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Validation;

/// <summary>
/// TLS settings: the files a mode needs are named, and every named file loads now, at startup or reload,
/// rather than at the first client's handshake.
/// </summary>
internal sealed partial class ConfigValidator
{
    private void CheckTls()
    {
        var client = _config.ClientTlsSslMode;
        if (client != TlsMode.Disable)
        {
            RequireFile("ClientTlsCertFile", _config.ClientTlsCertFile, "ClientTlsSslMode", client, "the certificate the gateway shows clients");
            RequireFile("ClientTlsKeyFile", _config.ClientTlsKeyFile, "ClientTlsSslMode", client, "the private key of that certificate");
        }

        if (client >= TlsMode.VerifyCa)
        {
            RequireFile("ClientTlsCaFile", _config.ClientTlsCaFile, "ClientTlsSslMode", client, "the CA that signs client certificates");
        }

        CheckCertificate("ClientTlsCertFile", _config.ClientTlsCertFile, "ClientTlsKeyFile", _config.ClientTlsKeyFile);
        CheckAuthorities("ClientTlsCaFile", _config.ClientTlsCaFile);

        var server = _config.ServerTlsSslMode;
        if (server >= TlsMode.VerifyCa)
        {
            RequireFile("ServerTlsCaFile", _config.ServerTlsCaFile, "ServerTlsSslMode", server, "the CA that signs PostgreSQL's certificate");
        }

        if ((_config.ServerTlsCertFile is null) != (_config.ServerTlsKeyFile is null))
        {
            var missing = _config.ServerTlsCertFile is null ? "ServerTlsCertFile" : "ServerTlsKeyFile";
            var present = _config.ServerTlsCertFile is null ? "ServerTlsKeyFile" : "ServerTlsCertFile";
            Error(present, $"{Name(present)} is set but {Name(missing)} is not: the client certificate for PostgreSQL needs both");
        }

        CheckCertificate("ServerTlsCertFile", _config.ServerTlsCertFile, "ServerTlsKeyFile", _config.ServerTlsKeyFile);
        CheckAuthorities("ServerTlsCaFile", _config.ServerTlsCaFile);

        if (client == TlsMode.Disable && (_config.ClientTlsCertFile ?? _config.ClientTlsCaFile) is not null)
        {
            Warn("ClientTlsSslMode", $"TLS files for clients are set but {Name("ClientTlsSslMode")} is disable, so clients cannot use TLS; set it to require (or prefer)");
        }

        if (server == TlsMode.Disable && (_config.ServerTlsCaFile ?? _config.ServerTlsCertFile) is not null)
        {
            Warn("ServerTlsSslMode", $"TLS files for servers are set but {Name("ServerTlsSslMode")} is disable, so PoolGuard talks to PostgreSQL without TLS; set it to verify-full (or require)");
        }
    }

    private void RequireFile(string path, string? value, string modePath, TlsMode mode, string what)
    {
        if (value is null)
        {
            Error(path, $"{Name(path)} must be set when {Name(modePath)} is {TlsSettingNames.Text(mode)}: it names {what} (a PEM file)");
        }
    }

    private void CheckCertificate(string certPath, string? certFile, string keyPath, string? keyFile)
    {
        if (certFile is null || keyFile is null || (_diagnostics.Reviewing && !(File.Exists(certFile) && File.Exists(keyFile))))
        {
            return;
        }

        try
        {
            TlsFiles.LoadCertificate(certFile, keyFile).Dispose();
        }
        catch (TlsFileException ex)
        {
            Error(certPath, $"{Name(certPath)} / {Name(keyPath)}: {ex.Message}");
        }
    }

    private void CheckAuthorities(string path, string? file)
    {
        if (file is null || (_diagnostics.Reviewing && !File.Exists(file)))
        {
            return;
        }

        try
        {
            foreach (var authority in TlsFiles.LoadCertificateAuthorities(file))
            {
                authority.Dispose();
            }
        }
        catch (TlsFileException ex)
        {
            Error(path, $"{Name(path)}: {ex.Message}");
        }
    }
}
