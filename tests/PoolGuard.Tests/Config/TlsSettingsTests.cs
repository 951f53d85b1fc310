using System.Security.Authentication;
using PoolGuard.Config;
using PoolGuard.Config.Model;
using PoolGuard.Testing.Certificates;

namespace PoolGuard.Tests.Config;

/// <summary>client_tls_* and server_tls_*: read by both front doors, paths relative to the file, and every file checked at load time.</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();
    private readonly TestCertificates _certificates;
    private readonly string _caFile;

    public TlsSettingsTests()
    {
        _certificates = new TestCertificates(_directory.Path);
        var (authority, caFile) = _certificates.Authority("ca");
        _caFile = caFile;
        _certificates.Signed(authority, "gateway", "localhost");
        _certificates.Signed(authority, "client");
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Json_reads_every_tls_setting_with_paths_relative_to_the_file()
    {
        var file = WriteJson("""
            "ClientTlsSslMode": "verify-ca", "ClientTlsCertFile": "gateway.crt", "ClientTlsKeyFile": "gateway.key", "ClientTlsCaFile": "ca.crt",
            "ClientTlsProtocols": "tlsv1.3", "ServerTlsSslMode": "VerifyFull", "ServerTlsCaFile": "ca.crt",
            "ServerTlsCertFile": "client.crt", "ServerTlsKeyFile": "client.key", "ServerTlsProtocols": "secure",
            """);

        var result = ConfigLoader.Load(file, TestSecrets.NoEnvironment());

        var config = result.Config;
        Assert.Empty(result.Warnings);
        Assert.Equal((TlsMode.VerifyCa, TlsMode.VerifyFull), (config.ClientTlsSslMode, config.ServerTlsSslMode));
        Assert.Equal(Path.Combine(_directory.Path, "gateway.crt"), config.ClientTlsCertFile);
        Assert.Equal(Path.Combine(_directory.Path, "client.key"), config.ServerTlsKeyFile);
        Assert.Equal(_caFile, config.ClientTlsCaFile);
        Assert.Equal(SslProtocols.Tls13, config.ClientTlsProtocols);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, config.ServerTlsProtocols);
    }

    [Fact]
    public void Ini_reads_the_pgbouncer_tls_keys_without_the_not_implemented_warning()
    {
        var ini = WriteIni("""
            client_tls_sslmode = require
            client_tls_cert_file = gateway.crt
            client_tls_key_file = gateway.key
            client_tls_protocols = tlsv1.2, tlsv1.3
            server_tls_sslmode = verify-full
            server_tls_ca_file = ca.crt
            """);

        var result = ConfigLoader.Load(ini);

        Assert.Empty(result.Warnings);
        Assert.Equal((TlsMode.Require, TlsMode.VerifyFull), (result.Config.ClientTlsSslMode, result.Config.ServerTlsSslMode));
        Assert.Equal(_caFile, result.Config.ServerTlsCaFile);
    }

    [Fact]
    public void Left_out_tls_is_off_on_both_sides_and_offers_tls_1_2_and_1_3()
    {
        var config = ConfigLoader.Load(_directory.Write("poolguard.json", ConfigSamples.MinimalJson), TestSecrets.NoEnvironment()).Config;

        Assert.Equal((TlsMode.Disable, TlsMode.Disable), (config.ClientTlsSslMode, config.ServerTlsSslMode));
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, config.ClientTlsProtocols);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, config.ServerTlsProtocols);
    }

    [Fact]
    public void A_tls_mode_without_the_files_it_needs_is_an_error_naming_the_key_and_the_mode()
    {
        var file = WriteJson("""
            "ClientTlsSslMode": "verify-full", "ServerTlsSslMode": "verify-ca",
            """);

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors;

        Assert.Contains(new ConfigError(file, "key PoolGuard:ClientTlsCertFile (not set)",
            "ClientTlsCertFile must be set when ClientTlsSslMode is verify-full: it names the certificate the gateway shows clients (a PEM file)"), errors);
        Assert.Contains(errors, e => e.Location == "key PoolGuard:ClientTlsKeyFile (not set)");
        Assert.Contains(errors, e => e.Location == "key PoolGuard:ClientTlsCaFile (not set)");
        Assert.Contains(errors, e => e.Location == "key PoolGuard:ServerTlsCaFile (not set)" && e.Reason.Contains("ServerTlsSslMode is verify-ca", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_certificate_file_is_an_error_naming_the_line_key_and_file()
    {
        var ini = WriteIni("client_tls_sslmode = require\nclient_tls_cert_file = missing.crt\nclient_tls_key_file = gateway.key");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors);

        Assert.Equal((ini, "line 8"), (error.File, error.Location));
        Assert.Equal($"client_tls_cert_file / client_tls_key_file: '{Path.Combine(_directory.Path, "missing.crt")}' not found", error.Reason);
    }

    [Fact]
    public void A_key_that_does_not_belong_to_the_certificate_is_an_error()
    {
        var file = WriteJson("""
            "ClientTlsSslMode": "require", "ClientTlsCertFile": "gateway.crt", "ClientTlsKeyFile": "client.key",
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:ClientTlsCertFile", error.Location);
        Assert.StartsWith("ClientTlsCertFile / ClientTlsKeyFile: '", error.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot be used", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_file_without_certificates_is_an_error()
    {
        _directory.Write("empty-ca.crt", "not a certificate\n");
        var file = WriteJson("""
            "ServerTlsSslMode": "verify-full", "ServerTlsCaFile": "empty-ca.crt",
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("key PoolGuard:ServerTlsCaFile", error.Location);
        Assert.Contains("holds no PEM certificate", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client_tls_sslmode = on", "client_tls_sslmode expects disable, allow, prefer, require, verify-ca or verify-full, got 'on'")]
    [InlineData("server_tls_protocols = tlsv1.1", "server_tls_protocols: 'tlsv1.1' would allow TLS 1.0/1.1, which PoolGuard does not offer; use secure, tlsv1.2, tlsv1.3 or a comma-separated list of them")]
    [InlineData("client_tls_protocols = ssl3", "client_tls_protocols: expected secure, tlsv1.2, tlsv1.3 or a comma-separated list of them, got 'ssl3'")]
    public void A_bad_mode_or_protocol_in_ini_is_an_error_naming_the_line(string line, string reason)
    {
        var ini = WriteIni(line);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors);

        Assert.Equal(new ConfigError(ini, "line 7", reason), error);
    }

    [Fact]
    public void A_client_certificate_for_servers_without_its_key_is_an_error()
    {
        var file = WriteJson("""
            "ServerTlsSslMode": "require", "ServerTlsCertFile": "client.crt",
            """);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, TestSecrets.NoEnvironment())).Errors);

        Assert.Equal("ServerTlsCertFile is set but ServerTlsKeyFile is not: the client certificate for PostgreSQL needs both", error.Reason);
    }

    [Fact]
    public void Tls_files_with_tls_disabled_give_a_warning()
    {
        var file = WriteJson("""
            "ServerTlsCaFile": "ca.crt",
            """);

        var warnings = ConfigLoader.Load(file, TestSecrets.NoEnvironment()).Warnings;

        Assert.Contains(warnings, w => w.Contains("ServerTlsSslMode is disable", StringComparison.Ordinal));
    }

    private string WriteJson(string settings) => _directory.Write("poolguard.json", ConfigSamples.MinimalJson.Replace("\"AuthType\"", settings + " \"AuthType\""));

    private string WriteIni(string extra) => _directory.Write("pgbouncer.ini", ConfigSamples.TrustIni(extra));
}
