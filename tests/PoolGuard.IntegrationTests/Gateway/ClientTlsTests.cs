using System.Globalization;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using PoolGuard.Testing.Certificates;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// TLS between clients and the gateway, with a CA and certificates made for the test: psql and Npgsql
/// verify the gateway, a wrong CA fails, require refuses plaintext, verify-ca checks client
/// certificates, and a reload hands new connections the new certificate.
/// </summary>
public sealed class ClientTlsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-tls-").FullName;
    private readonly TestCertificates _certificates;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _authority;
    private readonly string _caFile;
    private readonly string _certFile;
    private readonly string _keyFile;

    public ClientTlsTests()
    {
        _certificates = new TestCertificates(_directory);
        (_authority, _caFile) = _certificates.Authority("ca");
        (_certFile, _keyFile) = _certificates.Signed(_authority, "gateway", "localhost", "127.0.0.1");
    }

    [SkippableFact]
    public async Task Psql_with_verify_full_and_the_gateways_ca_runs_a_query_over_tls()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Require));

        var result = await PsqlAsync(gateway, $"sslmode=verify-full sslrootcert={_caFile}", "select 1", @"\conninfo");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("1\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("SSL connection (protocol: TLSv1.3", result.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Psql_with_verify_full_and_a_wrong_ca_fails_with_a_certificate_error()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Require));
        var (_, wrongCa) = _certificates.Authority("other-ca");

        var result = await PsqlAsync(gateway, $"sslmode=verify-full sslrootcert={wrongCa}", "select 1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("certificate verify failed", result.Stderr, StringComparison.Ordinal);
        await gateway.AssertPoolSettledAsync();
    }

    [SkippableFact]
    public async Task Require_refuses_a_plaintext_client_with_28000_naming_client_tls_sslmode()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Require));
        var plain = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { SslMode = SslMode.Disable };

        await using var connection = new NpgsqlConnection(plain.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync().WaitAsync(Bound));

        Assert.Equal("28000", error.SqlState);
        Assert.Contains("client_tls_sslmode is require", error.MessageText, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Npgsql_with_ssl_mode_require_or_verify_full_runs_queries_where_plaintext_is_refused()
    {
        // Require on the gateway refuses plaintext logins, so a login that works was encrypted.
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Require));
        var require = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { SslMode = SslMode.Require };
        var verifyFull = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { SslMode = SslMode.VerifyFull, RootCertificate = _caFile };

        foreach (var builder in new[] { require, verifyFull })
        {
            await AssertRunsQueryAsync(builder);
        }
    }

    [SkippableFact]
    public async Task Prefer_serves_tls_and_plaintext_clients_alike()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Prefer));

        await AssertRunsQueryAsync(new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { SslMode = SslMode.Disable });
        await AssertRunsQueryAsync(new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { SslMode = SslMode.VerifyFull, RootCertificate = _caFile });
    }

    [SkippableFact]
    public async Task A_transaction_pooled_tls_client_runs_pgbench_select_only_with_10_clients_without_errors()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Require) with { PoolMode = PoolMode.Transaction, DefaultPoolSize = 4 });
        var environment = ProcessRunner.PgEnvironment(Roles.AppPassword);
        environment["PGSSLMODE"] = "require"; // require mode refuses plaintext, so a clean run was encrypted throughout

        var result = await ProcessRunner.RunAsync(ProcessRunner.PgTool("pgbench"),
            ["-n", "-S", "-c", "10", "-j", "2", "-t", "100", "-h", "127.0.0.1", "-p", gateway.Port.ToString(CultureInfo.InvariantCulture), "-U", Roles.App, "pgbench"],
            TimeSpan.FromSeconds(90), environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("number of transactions actually processed: 1000/1000", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("number of failed transactions: 0 ", result.Stdout, StringComparison.Ordinal);
        await gateway.AssertPoolSettledAsync("pgbench");
    }

    [SkippableFact]
    public async Task Verify_ca_lets_in_a_client_certificate_signed_by_the_ca_and_refuses_one_without()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.VerifyCa) with { ClientTlsCaFile = _caFile });
        var (clientCert, clientKey) = _certificates.Signed(_authority, "client");
        var (stranger, _) = _certificates.Authority("stranger-ca");
        var (strangerCert, strangerKey) = _certificates.Signed(stranger, "stranger");

        var signed = await PsqlAsync(gateway, $"sslmode=require sslcert={clientCert} sslkey={clientKey}", "select 'in'");
        var unsigned = await PsqlAsync(gateway, $"sslmode=require sslcert={strangerCert} sslkey={strangerKey}", "select 'in'");
        var none = await PsqlAsync(gateway, $"sslmode=require sslcert={Path.Combine(_directory, "absent.crt")}", "select 'in'");

        Assert.True(signed.ExitCode == 0, signed.ToString());
        Assert.Equal("in", signed.Stdout.Trim());
        Assert.True(unsigned.ExitCode == 2, unsigned.ToString());
        Assert.True(none.ExitCode == 2, none.ToString());
    }

    [SkippableFact]
    public async Task After_new_certificate_files_and_a_reload_new_connections_get_the_new_certificate_and_old_ones_carry_on()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Prefer));
        var before = await TlsProbe.GatewayCertificateHashAsync(gateway.Port);
        Assert.Equal(TlsProbe.FileCertificateHash(_certFile), before);
        var require = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { SslMode = SslMode.Require };
        await using var opened = new NpgsqlConnection(require.ConnectionString);
        await opened.OpenAsync().WaitAsync(Bound);

        // The certificate is renewed in place, as certbot or an operator would, then the gateway is told.
        var (newCert, newKey) = _certificates.Signed(_authority, "renewed", "localhost", "127.0.0.1");
        File.Copy(newCert, _certFile, overwrite: true);
        File.Copy(newKey, _keyFile, overwrite: true);
        gateway.Server.ReloadTls(gateway.Config);

        var after = await TlsProbe.GatewayCertificateHashAsync(gateway.Port);
        Assert.NotEqual(before, after);
        Assert.Equal(TlsProbe.FileCertificateHash(newCert), after);
        await using var command = new NpgsqlCommand("select 'still here'", opened);
        Assert.Equal("still here", await command.ExecuteScalarAsync().WaitAsync(Bound));
    }

    [SkippableFact]
    public async Task A_reload_with_an_unusable_key_file_throws_and_keeps_the_old_certificate()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Prefer));
        var before = await TlsProbe.GatewayCertificateHashAsync(gateway.Port);

        var broken = gateway.Config with { ClientTlsKeyFile = Path.Combine(_directory, "absent.key") };
        var error = Assert.Throws<PoolGuard.Config.Tls.TlsFileException>(() => gateway.Server.ReloadTls(broken));

        Assert.Contains("absent.key' not found", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await TlsProbe.GatewayCertificateHashAsync(gateway.Port));
    }

    [SkippableFact]
    public async Task Bytes_sent_after_an_sslrequest_before_the_answer_are_refused()
    {
        await using var gateway = GatewayHarness.Start(c => WithClientTls(c, TlsMode.Prefer));
        using var client = await RawPgClient.ConnectAsync(gateway);

        // SSLRequest and a startup packet in one write: the startup would be read as if it came through TLS.
        await client.SendAsync((byte[])[0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F, .. RawPgClient.Startup(("user", Roles.App))]);

        var (error, closed) = await client.ReadErrorThenCloseAsync();
        Assert.NotNull(error);
        Assert.Equal("08P01", error.Fields()['C']);
        Assert.Equal("received unencrypted data after SSL request", error.Fields()['M']);
        Assert.True(closed);
    }

    private static async Task AssertRunsQueryAsync(NpgsqlConnectionStringBuilder builder)
    {
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().WaitAsync(Bound);
        await using var command = new NpgsqlCommand("select 41 + 1", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync().WaitAsync(Bound));
    }

    private PoolGuardConfig WithClientTls(PoolGuardConfig config, TlsMode mode) =>
        config with { ClientTlsSslMode = mode, ClientTlsCertFile = _certFile, ClientTlsKeyFile = _keyFile };

    private static Task<ProcessResult> PsqlAsync(GatewayHarness gateway, string tls, params string[] commands) =>
        ProcessRunner.RunAsync(ProcessRunner.PgTool("psql"),
            [$"host=localhost port={gateway.Port} user={Roles.App} dbname=app {tls}", "-X", "-A", "-t", "-q", .. commands.SelectMany(c => new[] { "-c", c })],
            Bound, ProcessRunner.PgEnvironment(Roles.AppPassword));

    public void Dispose()
    {
        _certificates.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
