using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;
using PoolGuard.Testing.Certificates;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// TLS between the gateway and PostgreSQL (the sandbox runs with ssl=on and its own CA): verify-full
/// with the right CA encrypts every backend connection, a wrong CA fails the login with a clear error,
/// prefer falls back when the server has no TLS and require does not, and cancels still land.
/// </summary>
public sealed class ServerTlsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("poolguard-server-tls-").FullName;

    [SkippableTheory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task With_verify_full_and_the_sandbox_ca_server_connections_use_tls(string host)
    {
        PgSandbox.Require();
        await using var gateway = GatewayHarness.Start(c => WithServerTls(c, TlsMode.VerifyFull, PgSandbox.CaFile) with
        {
            Databases = new Dictionary<string, DatabaseEntry> { ["app"] = new() { Name = "app", Host = host, Port = PgSandbox.Port } },
        });

        await using var connection = await gateway.OpenAsync().WaitAsync(Bound);
        await using var command = new NpgsqlCommand("select ssl::text || ' ' || version from pg_stat_ssl where pid = pg_backend_pid()", connection);

        Assert.Equal("true TLSv1.3", await command.ExecuteScalarAsync().WaitAsync(Bound));
    }

    [SkippableFact]
    public async Task With_verify_full_and_a_wrong_ca_the_login_fails_naming_server_tls_ca_file()
    {
        PgSandbox.Require();
        using var certificates = new TestCertificates(_directory);
        var (_, wrongCa) = certificates.Authority("wrong-ca");
        await using var gateway = GatewayHarness.Start(c => WithServerTls(c, TlsMode.VerifyFull, wrongCa));

        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync().WaitAsync(Bound));

        Assert.Equal("08006", error.SqlState);
        Assert.Contains($"127.0.0.1:{PgSandbox.Port}", error.MessageText, StringComparison.Ordinal);
        Assert.Contains($"its certificate is not signed by a CA in server_tls_ca_file '{wrongCa}'", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("server_tls_ca_file", error.Hint, StringComparison.Ordinal);
        Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == GatewayEventKind.ServerConnectFailed);
        await gateway.AssertPoolSettledAsync();
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Server.ServerConnections), n => n == 0, TimeSpan.FromSeconds(10), "servers still counted (a closed server counts until its backend is gone)");
    }

    [SkippableFact]
    public async Task Verify_full_refuses_a_certificate_that_does_not_name_the_host_where_verify_ca_gets_past_tls()
    {
        PgSandbox.Require();
        using var certificates = new TestCertificates(_directory);
        var (authority, caFile) = certificates.Authority("ca");
        var (certFile, keyFile) = certificates.Signed(authority, "elsewhere", "db.example.com");
        using var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var serving = ServeTlsOnlyAsync(listener, certificate, stop.Token);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        DatabaseEntry Fake() => new() { Name = "app", Host = "127.0.0.1", Port = port };

        await using (var full = GatewayHarness.Start(c => WithServerTls(c, TlsMode.VerifyFull, caFile) with { Databases = new Dictionary<string, DatabaseEntry> { ["app"] = Fake() } }))
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => full.OpenAsync().WaitAsync(Bound));
            Assert.Contains("its certificate does not name the host \"127.0.0.1\"", error.MessageText, StringComparison.Ordinal);
        }

        // verify-ca checks only the chain: the handshake succeeds and the login fails later, on the fake server's silence.
        await using (var ca = GatewayHarness.Start(c => WithServerTls(c, TlsMode.VerifyCa, caFile) with
        {
            ServerConnectTimeout = TimeSpan.FromSeconds(2),
            Databases = new Dictionary<string, DatabaseEntry> { ["app"] = Fake() },
        }))
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => ca.OpenAsync().WaitAsync(Bound));
            Assert.Contains("server_connect_timeout", error.MessageText, StringComparison.Ordinal);
        }

        await stop.CancelAsync();
        listener.Stop();
        await serving.WaitAsync(Bound);
    }

    /// <summary>A stand-in server that says 'S' to SSLRequest, completes the handshake, then never speaks.</summary>
    private static async Task ServeTlsOnlyAsync(TcpListener listener, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var held = new List<SslStream>();
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(cancellationToken);
                var stream = new NetworkStream(socket, ownsSocket: true);
                var ssl = new SslStream(stream);
                held.Add(ssl);
                try
                {
                    await stream.ReadExactlyAsync(new byte[8], cancellationToken);
                    await stream.WriteAsync("S"u8.ToArray(), cancellationToken);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken);
                }
                catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
                {
                    // The gateway refused our certificate: what verify-full is for.
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [SkippableFact]
    public async Task Prefer_falls_back_to_plain_tcp_when_the_server_answers_no_and_require_fails_clearly()
    {
        PgSandbox.Require();
        await using var noTls = DelayingProxy.Start(PgSandbox.Host, PgSandbox.Port, TimeSpan.Zero, refuseTls: true);
        DatabaseEntry ThroughProxy(string name) => new() { Name = name, Host = "127.0.0.1", Port = noTls.Port, DbName = "app" };

        await using (var prefer = GatewayHarness.Start(c => WithServerTls(c, TlsMode.Prefer, null) with { Databases = new Dictionary<string, DatabaseEntry> { ["app"] = ThroughProxy("app") } }))
        {
            await using var connection = await prefer.OpenAsync().WaitAsync(Bound);
            await using var command = new NpgsqlCommand("select ssl from pg_stat_ssl where pid = pg_backend_pid()", connection);
            Assert.Equal(false, await command.ExecuteScalarAsync().WaitAsync(Bound));
        }

        await using var require = GatewayHarness.Start(c => WithServerTls(c, TlsMode.Require, null) with { Databases = new Dictionary<string, DatabaseEntry> { ["app"] = ThroughProxy("app") } });
        var error = await Assert.ThrowsAsync<PostgresException>(() => require.OpenAsync().WaitAsync(Bound));
        Assert.Equal("08006", error.SqlState);
        Assert.Contains("server_tls_sslmode is require but the server does not accept TLS", error.MessageText, StringComparison.Ordinal);
        Assert.Contains(require.Server.Events.Recent(), e => e.Kind == GatewayEventKind.ServerConnectFailed);
    }

    [SkippableFact]
    public async Task Query_timeout_cancels_a_query_on_a_server_connected_over_tls()
    {
        PgSandbox.Require();
        await using var gateway = GatewayHarness.Start(c => WithServerTls(c, TlsMode.VerifyFull, PgSandbox.CaFile) with { QueryTimeout = TimeSpan.FromSeconds(1) });
        await using var connection = await gateway.OpenAsync().WaitAsync(Bound);
        await using var sleep = new NpgsqlCommand("select pg_sleep(20)", connection);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cancelled = await Assert.ThrowsAsync<PostgresException>(() => sleep.ExecuteNonQueryAsync().WaitAsync(Bound));

        Assert.Equal("57014", cancelled.SqlState);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        await using var next = new NpgsqlCommand("select 'after'", connection);
        Assert.Equal("after", await next.ExecuteScalarAsync().WaitAsync(Bound));
    }

    private static PoolGuardConfig WithServerTls(PoolGuardConfig config, TlsMode mode, string? caFile) =>
        config with { ServerTlsSslMode = mode, ServerTlsCaFile = caFile };

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
